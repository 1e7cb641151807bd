import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { Role } from '../api/types';
import { hasRole, rememberReturn, useSession } from './session';
import { NotAllowed } from '../common/NotAllowed';
import { routes } from '../common/routes';

/** Signed-out visitors go to sign-in (and come back here after); wrong roles see why. */
export function RequireAuth({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (!user) {
    rememberReturn(`${location.pathname}${location.search}`);
    return <Navigate to={routes.login()} replace />;
  }
  if (roles && !hasRole(user, ...roles)) return <NotAllowed />;
  return <>{children}</>;
}
