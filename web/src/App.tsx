import { Loader } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { LoginPage } from './auth/LoginPage';
import { RequireAuth } from './auth/RequireAuth';
import { homePath, useSession } from './auth/session';
import { NotFound } from './common/NotFound';
import { routePatterns } from './common/routes';
import { Shell } from './layout/Shell';
import { QueueRedirect } from './queues/QueueRedirect';
import { QueuesPage } from './queues/QueuesPage';
import { ReviewPage } from './review/ReviewPage';

// Reviewers load only what reviewing needs; lead, admin and analytics pages load on first visit.
const EscalatedPage = lazy(() =>
  import('./escalated/EscalatedPage').then((m) => ({ default: m.EscalatedPage })),
);
const SettingsIndex = lazy(() =>
  import('./settings/SettingsIndex').then((m) => ({ default: m.SettingsIndex })),
);
const QueueSettingsPage = lazy(() =>
  import('./settings/QueueSettingsPage').then((m) => ({ default: m.QueueSettingsPage })),
);
const UsersPage = lazy(() => import('./admin/UsersPage').then((m) => ({ default: m.UsersPage })));
const ApiKeysPage = lazy(() =>
  import('./admin/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })),
);
const ItemsPage = lazy(() => import('./items/ItemsPage').then((m) => ({ default: m.ItemsPage })));
const ItemPage = lazy(() => import('./items/ItemPage').then((m) => ({ default: m.ItemPage })));
const AnalyticsPage = lazy(() =>
  import('./analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })),
);

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loader aria-label="Loading page" />}>{children}</Suspense>;
}

export function App() {
  const { user } = useSession();
  return (
    <Routes>
      <Route path={routePatterns.login} element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <Shell />
          </RequireAuth>
        }
      >
        <Route index element={user ? <Navigate to={homePath(user)} replace /> : null} />
        <Route path={routePatterns.queues} element={<QueuesPage />} />
        <Route path={routePatterns.queue} element={<QueueRedirect />} />
        <Route
          path={routePatterns.review}
          element={
            <RequireAuth roles={['admin', 'lead', 'reviewer']}>
              <ReviewPage />
            </RequireAuth>
          }
        />
        <Route
          path={routePatterns.items}
          element={
            <Page>
              <ItemsPage />
            </Page>
          }
        />
        <Route
          path={routePatterns.item}
          element={
            <Page>
              <ItemPage />
            </Page>
          }
        />
        <Route
          path={routePatterns.escalated}
          element={
            <RequireAuth roles={['admin', 'lead']}>
              <Page>
                <EscalatedPage />
              </Page>
            </RequireAuth>
          }
        />
        <Route
          path={routePatterns.settings}
          element={
            <RequireAuth roles={['admin', 'lead']}>
              <Page>
                <SettingsIndex />
              </Page>
            </RequireAuth>
          }
        />
        <Route
          path={routePatterns.queueSettings}
          element={
            <RequireAuth roles={['admin', 'lead']}>
              <Page>
                <QueueSettingsPage />
              </Page>
            </RequireAuth>
          }
        />
        <Route
          path={routePatterns.analytics}
          element={
            <RequireAuth roles={['admin', 'lead', 'analyst']}>
              <Page>
                <AnalyticsPage />
              </Page>
            </RequireAuth>
          }
        />
        <Route
          path={routePatterns.users}
          element={
            <RequireAuth roles={['admin', 'lead']}>
              <Page>
                <UsersPage />
              </Page>
            </RequireAuth>
          }
        />
        <Route
          path={routePatterns.apiKeys}
          element={
            <RequireAuth roles={['admin']}>
              <Page>
                <ApiKeysPage />
              </Page>
            </RequireAuth>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
