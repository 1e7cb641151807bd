import argon2 from 'argon2';
import { RetryLaterException } from '../common/errors';

/**
 * OWASP's first recommended argon2id setting (m = 19 MiB, t = 2, p = 1). Hashes made with
 * other parameters (earlier versions used argon2's 64 MiB / t = 3 / p = 4 default) still
 * verify, and are re-hashed with these at the next successful sign-in.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Thrown when more hashes wait than the queue allows: 503 with Retry-After wherever it lands. */
export class HashingBusy extends RetryLaterException {
  constructor() {
    super(1, 'too many sign-ins and password changes in progress; try again shortly', 503);
  }
}

/**
 * Bounds concurrent argon2 work. Each hash occupies a libuv thread and a core for tens of
 * milliseconds; unbounded, a flood of sign-ins takes every core from submissions and /health.
 * A small FIFO queue absorbs bursts; past it, callers are told to come back.
 */
class HashLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  concurrency = 1;
  queue = 32;

  /** `bounded`: refuse past the queue (sign-ins); an admin's user or password change always waits. */
  async run<T>(work: () => Promise<T>, bounded = true): Promise<T> {
    if (this.active >= this.concurrency) {
      if (bounded && this.waiting.length >= this.queue) throw new HashingBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never overshoots.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

const limiter = new HashLimiter();

export function configurePasswordHashing(options: { concurrency: number; queue: number }): void {
  limiter.concurrency = options.concurrency;
  limiter.queue = options.queue;
}

/**
 * Hashes for user creation and password changes: authenticated, rare admin work, so it queues
 * behind sign-ins rather than failing with 503 when a login flood fills the queue.
 */
export function hashPassword(password: string): Promise<string> {
  return limiter.run(() => argon2.hash(password, ARGON2_OPTIONS), false);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return limiter.run(async () => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  });
}

/** True when a stored hash was made with weaker or different parameters than ARGON2_OPTIONS. */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  } catch {
    return false;
  }
}
