import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { BlockedAddressError, blockedRange, guardedLookup } from '../common/outbound-address';

export class OutboundTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * The one outbound HTTP call webhooks make: POST `body` to `url`, redirects not followed,
 * connecting only to an address that passed the SSRF check (a literal IP is checked here; a
 * name is resolved and checked in the socket's own lookup). Resolves with the status code;
 * rejects with BlockedAddressError, OutboundTimeoutError or the socket error (ECONNREFUSED…).
 */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<number> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host)) {
    const range = blockedRange(host);
    if (range) return Promise.reject(new BlockedAddressError(host, host, range));
  }
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.allowPrivate),
        // A fresh connection each time: a pooled socket could outlive the address check.
        agent: false,
      },
      (res: IncomingMessage) => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
        // Only the status matters; a receiver streaming a large body must not hold us.
        res.destroy();
      },
    );
    const timer = setTimeout(
      () => req.destroy(new OutboundTimeoutError(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}
