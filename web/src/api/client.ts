/**
 * The one way the app talks to the API: adds the bearer token, turns error bodies into
 * ApiError (with the server's per-field messages) and reports 401s so the app can ask the
 * person to sign in again without losing their place.
 */
import { apiPaths } from './paths';

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server's message for one field (or any field under it, e.g. policy.rules[0].when). */
  fieldMessage(...prefixes: string[]): string | undefined {
    const hits = this.fields.filter((f) =>
      prefixes.some(
        (p) => f.field === p || f.field.startsWith(`${p}.`) || f.field.startsWith(`${p}[`),
      ),
    );
    return hits.length ? hits.map((f) => f.message).join('; ') : undefined;
  }
}

const TOKEN_KEY = 'verdict.token';
let unauthorizedHandler: (() => void) | null = null;

export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (res.ok) return parsed as T;
  const err = (parsed ?? {}) as { message?: unknown; fields?: unknown };
  const message = typeof err.message === 'string' ? err.message : `${res.status} ${res.statusText}`;
  const fields = Array.isArray(err.fields) ? (err.fields as FieldProblem[]) : [];
  // A refused sign-in is a wrong password, not an ended session.
  if (res.status === 401 && path !== apiPaths.login()) unauthorizedHandler?.();
  throw new ApiError(res.status, message, fields, parsed);
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
