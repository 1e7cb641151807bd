/**
 * Per-destination admission for webhook deliveries: at most `maxPerHost` attempts in flight to
 * one host (host:port), and a circuit breaker that stops calling a host after
 * `breakerFailures` consecutive failures. While open, a host's deliveries are put back for
 * later without being attempted (and without using up their retries); after the cooldown one
 * probe goes through: success closes the breaker, failure opens it again for twice as long
 * (up to 10 minutes). Other hosts are never affected: a hanging receiver can hold at most
 * `maxPerHost` workers, and only until its breaker opens.
 *
 * Kept per process (each worker instance judges the hosts it calls): no Redis round trip per
 * delivery, and a breaker that errs on the side of trying again only costs a few extra attempts.
 */
export interface GateOptions {
  maxPerHost: number;
  breakerFailures: number;
  cooldownMs: number;
}

export type Admission =
  | { admitted: true; done: (succeeded: boolean) => boolean }
  | { admitted: false; retryAt: number; reason: 'busy' | 'open' };

interface HostState {
  inFlight: number;
  failures: number;
  openUntil: number;
  opens: number;
  probing: boolean;
}

const MAX_COOLDOWN_MS = 10 * 60_000;

export class DestinationGate {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly options: GateOptions,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** The destination a URL counts against. */
  static hostOf(url: string): string {
    try {
      return new URL(url).host.toLowerCase();
    } catch {
      return url;
    }
  }

  enter(host: string): Admission {
    const now = this.now();
    const state = this.hosts.get(host) ?? {
      inFlight: 0,
      failures: 0,
      openUntil: 0,
      opens: 0,
      probing: false,
    };
    this.hosts.set(host, state);
    const halfOpen = state.opens > 0 && state.failures >= this.options.breakerFailures;
    if (state.openUntil > now)
      return { admitted: false, retryAt: state.openUntil + this.jitter(1_000), reason: 'open' };
    if (halfOpen && state.probing)
      return { admitted: false, retryAt: now + 1_000 + this.jitter(1_000), reason: 'open' };
    if (state.inFlight >= this.options.maxPerHost)
      return { admitted: false, retryAt: now + 250 + this.jitter(750), reason: 'busy' };
    state.inFlight += 1;
    const probe = halfOpen;
    if (probe) state.probing = true;
    let finished = false;
    return {
      admitted: true,
      /** Returns true when this outcome opened the breaker. */
      done: (succeeded) => {
        if (finished) return false;
        finished = true;
        state.inFlight -= 1;
        if (probe) state.probing = false;
        if (succeeded) {
          state.failures = 0;
          state.opens = 0;
          state.openUntil = 0;
          if (state.inFlight === 0) this.hosts.delete(host);
          return false;
        }
        state.failures += 1;
        if (
          probe ||
          (state.failures >= this.options.breakerFailures && state.openUntil <= this.now())
        ) {
          const cooldown = Math.min(
            this.options.cooldownMs * 2 ** Math.min(state.opens, 16),
            MAX_COOLDOWN_MS,
          );
          state.openUntil = this.now() + cooldown;
          state.opens += 1;
          return true;
        }
        return false;
      },
    };
  }

  /** Whether the host's breaker is open now (for logs and tests). */
  isOpen(host: string): boolean {
    return (this.hosts.get(host)?.openUntil ?? 0) > this.now();
  }

  private jitter(ms: number): number {
    return Math.floor(this.random() * ms);
  }
}
