import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { get, onUnauthorized, post, tokenStore } from '../api/client';
import type { LoginResponse, Role, User } from '../api/types';
import { apiPaths } from '../api/paths';
import { routes } from '../common/routes';

const USER_KEY = 'verdict.user';
/** Where the person was when their session ended; survives the sign-in page and reloads. */
const RETURN_KEY = 'verdict.returnTo';

interface Session {
  user: User | null;
  token: string | null;
  /** True after a 401 ended the session, until the next sign-in. */
  expired: boolean;
  /** Where sign-in should land: the place the person was, else their home page. */
  landing: string | null;
  signIn(email: string, password: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function hasRole(user: User | null, ...roles: Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

export const isLead = (user: User | null) => hasRole(user, 'admin', 'lead');
export const canReview = (user: User | null) => hasRole(user, 'admin', 'lead', 'reviewer');

export function homePath(user: User): string {
  return canReview(user)
    ? routes.queues()
    : hasRole(user, 'analyst')
      ? routes.analytics()
      : routes.queues();
}

function storedUser(): User | null {
  if (!tokenStore.get()) return null;
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as User | null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(storedUser);
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const [expired, setExpired] = useState(false);
  const [landing, setLanding] = useState<string | null>(null);
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();

  const clear = useCallback(() => {
    tokenStore.clear();
    localStorage.removeItem(USER_KEY);
    setUser(null);
    setToken(null);
    queryClient.clear();
  }, [queryClient]);

  // A 401 anywhere: remember the place, then ask for a new sign-in.
  const here = `${location.pathname}${location.search}`;
  useEffect(() => {
    onUnauthorized(() => {
      if (!tokenStore.get()) return;
      if (here !== routes.login()) sessionStorage.setItem(RETURN_KEY, here);
      clear();
      setExpired(true);
      void navigate(routes.login(), { replace: true });
    });
    return () => onUnauthorized(null);
  }, [here, clear, navigate]);

  // Roles and queues may have changed since the token was stored.
  useEffect(() => {
    if (!tokenStore.get()) return;
    get<User>(apiPaths.me())
      .then((me) => {
        if (!me || !Array.isArray(me.roles)) return;
        localStorage.setItem(USER_KEY, JSON.stringify(me));
        setUser(me);
      })
      .catch(() => undefined);
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const res = await post<LoginResponse>(apiPaths.login(), { email, password });
    tokenStore.set(res.accessToken);
    localStorage.setItem(USER_KEY, JSON.stringify(res.user));
    const back = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    // The sign-in page redirects once it sees the user; it reads `landing` for where to.
    setLanding(back && back !== routes.login() ? back : homePath(res.user));
    setToken(res.accessToken);
    setUser(res.user);
    setExpired(false);
  }, []);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(RETURN_KEY);
    clear();
    setExpired(false);
    void navigate(routes.login(), { replace: true });
  }, [clear, navigate]);

  const value = useMemo(
    () => ({ user, token, expired, landing, signIn, signOut }),
    [user, token, expired, landing, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Remembers a deep link opened while signed out, so sign-in lands there. */
export function rememberReturn(path: string): void {
  if (path && path !== routes.login() && path !== routes.home())
    sessionStorage.setItem(RETURN_KEY, path);
}
