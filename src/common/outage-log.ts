import { Logger } from '@nestjs/common';

export type Dependency = 'redis' | 'postgres';

/** Seconds between two "still down" lines for one dependency. */
const REPEAT_MS = 10_000;

interface State {
  down: boolean;
  since: number;
  lastLine: number;
  failures: number;
  lastError: string;
}

const states = new Map<Dependency, State>();
const logger = new Logger('Dependencies');

/** A failure to reach a dependency (as opposed to an error in what was asked of it). */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(
      e?.code ?? '',
    ) ||
    /ECONNREFUSED|Connection is closed|Connection terminated|Stream isn't writeable|enableOfflineQueue|Redis is not available|max retries per request/i.test(
      e?.message ?? '',
    )
  );
}

function messageOf(error: unknown): string {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.message || e?.code || String(error);
}

/**
 * Every failed call to a dependency lands here instead of in its own log line: an outage gives
 * one line when it starts, at most one more per 10 s while it lasts (with the count of failures
 * in between) and one when the dependency answers again. Each of the many Redis clients and
 * every request that hits the outage would otherwise log, often with a stack trace.
 */
export function dependencyDown(dependency: Dependency, error: unknown): void {
  const now = Date.now();
  let state = states.get(dependency);
  if (!state) {
    state = { down: false, since: now, lastLine: 0, failures: 0, lastError: '' };
    states.set(dependency, state);
  }
  state.failures += 1;
  state.lastError = messageOf(error);
  if (!state.down) {
    state.down = true;
    state.since = now;
  }
  if (now - state.lastLine < REPEAT_MS) return;
  state.lastLine = now;
  const seconds = Math.round((now - state.since) / 1000);
  logger.warn(
    `${dependency} unavailable for ${seconds} s (${state.failures} failed call(s) since the last line): ${state.lastError}`,
  );
  state.failures = 0;
}

export function dependencyUp(dependency: Dependency): void {
  const state = states.get(dependency);
  if (!state?.down) return;
  state.down = false;
  state.failures = 0;
  // The next outage starts with a line of its own, however soon it comes.
  state.lastLine = 0;
  logger.log(
    `${dependency} available again after ${Math.round((Date.now() - state.since) / 1000)} s`,
  );
}

export function isDependencyDown(dependency: Dependency): boolean {
  return states.get(dependency)?.down ?? false;
}

let redisPort = 6379;
/** Tells ECONNREFUSED from Redis apart from Postgres's by the port (set once at boot). */
export function setRedisPort(port: number): void {
  redisPort = port;
}

/** Which dependency a connection error came from, as far as the error says. */
export function dependencyOf(error: unknown): Dependency {
  const e = error as { code?: string; message?: string; port?: number } | undefined;
  if (typeof e?.port === 'number') return e.port === redisPort ? 'redis' : 'postgres';
  return /redis|offline queue|Stream isn't writeable|Connection is closed|max retries per request/i.test(
    e?.message ?? '',
  )
    ? 'redis'
    : 'postgres';
}

/**
 * For background work that fails now and then: an outage goes to the rate-limited outage log,
 * anything else is worth its own warning.
 */
export function warnOrOutage(
  log: { warn(message: string): unknown },
  error: unknown,
  message: string,
): void {
  if (isConnectionError(error)) dependencyDown(dependencyOf(error), error);
  else log.warn(message);
}
