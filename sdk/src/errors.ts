import type { FieldProblem } from './types';

/** Any failed call to Verdict: an HTTP error answer, or a network failure after the retries (status 0). */
export class VerdictError extends Error {
  override readonly name = 'VerdictError';
  constructor(
    /** HTTP status; 0 when no answer came (network error, timeout) */
    readonly status: number,
    message: string,
    /** the offending fields of a 400, e.g. `[{ field: 'confidence', message: '…' }]` */
    readonly fields: FieldProblem[] | undefined,
    /** the server's request id (body `requestId` or header `X-Request-Id`), for support */
    readonly requestId: string | undefined,
    /** the HTTP reason phrase of the answer (`Bad Request`, `Conflict`, ...) */
    readonly error?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type WebhookFailure =
  'missing_header' | 'malformed_header' | 'stale_timestamp' | 'bad_signature' | 'bad_body';

/** A webhook delivery that is not a genuine, fresh delivery from Verdict. Answer it 400/401. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}
