import {
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import type { Role } from '../api/types';
import { hasRole, useSession } from '../auth/session';
import { useLive } from '../live/LiveProvider';
import { routes } from '../common/routes';

interface NavEntry {
  to: string;
  label: string;
  roles: Role[];
}

/** What each role works with; the server enforces the same rules. */
export const NAV: NavEntry[] = [
  { to: routes.queues(), label: 'Queues', roles: ['admin', 'lead', 'reviewer'] },
  { to: routes.items(), label: 'Items', roles: ['admin', 'lead', 'analyst', 'reviewer'] },
  { to: routes.escalated(), label: 'Escalated', roles: ['admin', 'lead'] },
  { to: routes.settings(), label: 'Queue settings', roles: ['admin', 'lead'] },
  { to: routes.analytics(), label: 'Analytics', roles: ['admin', 'lead', 'analyst'] },
  { to: routes.users(), label: 'Users', roles: ['admin', 'lead'] },
  { to: routes.apiKeys(), label: 'API keys', roles: ['admin'] },
];

export function Shell() {
  const { user, signOut } = useSession();
  const { connected } = useLive();
  const location = useLocation();
  const entries = NAV.filter((e) => hasRole(user, ...e.roles));
  // On phones the menu is a drawer behind the burger; it closes once a page is chosen.
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => setNavOpen(false), [location.pathname]);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding={{ base: 'xs', sm: 'md' }}
    >
      <AppShell.Header px={{ base: 'xs', sm: 'md' }}>
        <Group h="100%" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={() => setNavOpen((o) => !o)}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpen ? 'Close navigation' : 'Open navigation'}
              aria-expanded={navOpen}
              aria-controls="main-nav"
            />
            <Title order={1} size="h3">
              Verdict
            </Title>
            <Tooltip label={connected ? 'Counts update live' : 'Reconnecting to live updates…'}>
              <Badge
                color={connected ? 'teal' : 'gray'}
                variant="dot"
                aria-label={connected ? 'Live updates connected' : 'Live updates disconnected'}
              >
                {connected ? 'Live' : 'Offline'}
              </Badge>
            </Tooltip>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" aria-label="Signed in as" visibleFrom="sm" truncate maw={260}>
              {user?.name ?? user?.email}{' '}
              <Text span c="dimmed" size="xs">
                ({user?.roles.join(', ')})
              </Text>
            </Text>
            <Button variant="default" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main" id="main-nav">
        <Stack gap={2}>
          <Text size="sm" hiddenFrom="sm" px="xs" pb={4} truncate>
            {user?.name ?? user?.email}{' '}
            <Text span c="dimmed" size="xs">
              ({user?.roles.join(', ')})
            </Text>
          </Text>
          {entries.map((e) => (
            <NavLink
              key={e.to}
              component={Link}
              to={e.to}
              label={e.label}
              active={location.pathname === e.to || location.pathname.startsWith(`${e.to}/`)}
              aria-current={location.pathname === e.to ? 'page' : undefined}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
