import { randomUUID } from 'node:crypto';
import { VerdictError } from './errors';
import {
  isFinal,
  type BatchResult,
  type FieldProblem,
  type Item,
  type ReportInput,
  type Submission,
} from './types';

export type VerdictClientOptions = {
  /** e.g. `https://verdict.example.com` (no `/v1`) */
  baseUrl: string;
  /** how many times a retryable failure is retried (default 4) */
  maxRetries?: number;
  /** first backoff delay in ms, doubled per retry with full jitter (default 250) */
  retryBaseMs?: number;
  /** longest single backoff or Retry-After wait honoured, in ms (default 30 000) */
  maxRetryDelayMs?: number;
  /** per-request timeout in ms for requests that do not long-poll (default 30 000) */
  timeoutMs?: number;
  /** a fetch implementation (default: the global fetch of Node ≥ 22) */
  fetch?: typeof fetch;
} & ({ apiKey: string; token?: never } | { token: string; apiKey?: never });

export interface WaitOptions {
  /** how long to wait in total (default 60); each request long-polls at most 60 s */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** 429 and 503 mean "not now"; the request had no effect and may be sent again. */
const RETRYABLE_STATUSES = new Set([429, 503]);
const MAX_WAIT_PER_REQUEST = 60;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Retry-After is either delay-seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

interface RequestOptions {
  body?: unknown;
  /** may the request be sent again after a network error (the first may have been applied)? */
  idempotent: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A client for one Verdict server and one credential (a product system's `vk_` API key, or a
 * user's access token).
 */
export class VerdictClient {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: VerdictClientOptions) {
    if (!options?.baseUrl) throw new TypeError('VerdictClient: baseUrl is required');
    const credential = options.apiKey ?? options.token;
    if (!credential) throw new TypeError('VerdictClient: apiKey or token is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = `Bearer ${credential}`;
    this.maxRetries = options.maxRetries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /**
   * Submits one output for routing. An `externalId` is generated when absent, so that retries
   * after a 429, a 503 or a lost connection return the same item instead of creating another.
   */
  async submit(queue: string, item: Submission): Promise<Item> {
    const body = { ...item, externalId: item.externalId ?? randomUUID() };
    return this.request<Item>('POST', `/v1/queues/${encodeURIComponent(queue)}/items`, {
      body,
      idempotent: true,
    });
  }

  /** Submits 1–500 outputs; one result per input, in input order (an item or `{error}`). */
  async submitBatch(queue: string, items: Submission[]): Promise<BatchResult[]> {
    const body = { items: items.map((i) => ({ ...i, externalId: i.externalId ?? randomUUID() })) };
    const res = await this.request<{ results: BatchResult[] }>(
      'POST',
      `/v1/queues/${encodeURIComponent(queue)}/items/batch`,
      { body, idempotent: true },
    );
    return res.results;
  }

  /** The item with its reviews. */
  async getItem(id: string, options: { waitSeconds?: number; signal?: AbortSignal } = {}) {
    // The server holds a request at most 60 s; waitForDecision loops for longer waits.
    const seconds = Math.min(MAX_WAIT_PER_REQUEST, Math.ceil(options.waitSeconds ?? 0));
    const wait = seconds > 0 ? `?waitSeconds=${seconds}` : '';
    return this.request<Item>('GET', `/v1/items/${encodeURIComponent(id)}${wait}`, {
      idempotent: true,
      // the server holds a long-poll up to waitSeconds; leave room for the answer itself
      timeoutMs: seconds * 1000 + this.timeoutMs,
      signal: options.signal,
    });
  }

  /**
   * Waits (long-polling, at most 60 s per request) until the item is final — approved, rejected
   * or corrected — or `timeoutSeconds` pass; returns the final item, or its latest state.
   */
  async waitForDecision(id: string, options: WaitOptions = {}): Promise<Item> {
    const timeoutSeconds = options.timeoutSeconds ?? 60;
    const deadline = Date.now() + timeoutSeconds * 1000;
    let item = await this.getItem(id, {
      waitSeconds: Math.min(MAX_WAIT_PER_REQUEST, Math.max(0, Math.floor(timeoutSeconds))),
      signal: options.signal,
    });
    for (;;) {
      if (isFinal(item)) return item;
      const left = Math.floor((deadline - Date.now()) / 1000);
      if (left < 1) return item;
      item = await this.getItem(id, {
        waitSeconds: Math.min(MAX_WAIT_PER_REQUEST, left),
        signal: options.signal,
      });
    }
  }

  /** A post-hoc report that an output was wrong: the item goes back to review. Returns the item. */
  async report(id: string, report: ReportInput): Promise<Item> {
    // Not retried after a network error: a report that reached the server would be counted twice.
    return this.request<Item>('POST', `/v1/items/${encodeURIComponent(id)}/reports`, {
      body: report,
      idempotent: false,
    });
  }

  private async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: this.authorization,
            accept: 'application/json',
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal,
        });
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        if (options.idempotent && attempt < this.maxRetries) {
          await sleep(this.backoff(attempt), options.signal);
          continue;
        }
        throw new VerdictError(
          0,
          `${method} ${path} failed: ${(cause as Error)?.message ?? String(cause)}`,
          undefined,
          undefined,
          undefined,
          { cause },
        );
      }
      if (res.ok) return parseAnswer<T>(res, method, path);
      if (RETRYABLE_STATUSES.has(res.status) && attempt < this.maxRetries) {
        const hinted = retryAfterMs(res.headers.get('retry-after'));
        await res.body?.cancel();
        await sleep(
          Math.min(this.maxRetryDelayMs, hinted ?? this.backoff(attempt)),
          options.signal,
        );
        continue;
      }
      throw await toError(res);
    }
  }

  /** Exponential backoff with full jitter, so many clients do not retry in step. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxRetryDelayMs, this.retryBaseMs * 2 ** attempt);
    return Math.random() * ceiling;
  }
}

async function parseAnswer<T>(res: Response, method: string, path: string): Promise<T> {
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    throw new VerdictError(
      res.status,
      `${method} ${path} answered ${res.status} with a body that is not JSON`,
      undefined,
      res.headers.get('x-request-id') ?? undefined,
    );
  }
}

async function toError(res: Response): Promise<VerdictError> {
  const text = await res.text().catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON (a proxy's error page): keep the text as the message
  }
  const message =
    typeof body.message === 'string'
      ? body.message
      : Array.isArray(body.message)
        ? body.message.join('; ')
        : text || res.statusText || `HTTP ${res.status}`;
  const fields = Array.isArray(body.fields) ? (body.fields as FieldProblem[]) : undefined;
  const requestId =
    (typeof body.requestId === 'string' ? body.requestId : undefined) ??
    res.headers.get('x-request-id') ??
    undefined;
  const error = typeof body.error === 'string' ? body.error : undefined;
  return new VerdictError(res.status, message, fields, requestId, error);
}
