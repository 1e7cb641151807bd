import ipaddr from 'ipaddr.js';
import { lookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

/**
 * SSRF guard for the URLs Verdict POSTs to (queue webhookUrl, item callbackUrl). Only global
 * unicast addresses are allowed: loopback, private (RFC 1918, fc00::/7), link-local, shared
 * (100.64/10), unspecified, multicast, broadcast, reserved and the IPv6 forms that embed
 * IPv4 (mapped, 6to4, Teredo, NAT64) are refused, unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=true.
 * Classification is ipaddr.js's range table, not hand-written masks.
 */

/** Why an address may not be connected to (ipaddr.js's range name), or null when it may. */
export function blockedRange(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return 'invalid';
  // "::ffff:127.0.0.1" is 127.0.0.1 to the kernel: classify what is really reached.
  const parsed = ipaddr.process(bare);
  const range = parsed.range();
  // ipaddr.js calls the deprecated IPv4-compatible form "::a.b.c.d" (::/96) unicast; it is not
  // a public address anyone can serve a webhook on, and it embeds an IPv4 address like the
  // mapped form, so it is refused with the other IPv4-embedding forms.
  if (range === 'unicast' && parsed.kind() === 'ipv6') {
    const parts = (parsed as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((part) => part === 0)) return 'ipv4Compatible';
  }
  return range === 'unicast' ? null : range;
}

export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} resolves to ${address} (${range}), which webhooks may not reach`);
  }
}

function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    lookup(host, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );
}

/**
 * The reason `url`'s host may not be reached, or null. A name is resolved and refused if any of
 * its addresses is refused (which one the connection would pick is not ours to guess). A name
 * that does not resolve now is let through: delivery checks again, against what it connects to.
 */
export async function urlProblem(url: string): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const range = blockedRange(host);
    return range ? `points to ${host}, a ${range} address` : null;
  }
  if (isLocalName(host)) return `points to ${host}, a loopback name`;
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch {
    return null;
  }
  for (const { address } of addresses) {
    const range = blockedRange(address);
    if (range) return `resolves to ${address}, a ${range} address`;
  }
  return null;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request: resolves once, refuses the connection if any address is blocked,
 * and hands exactly the checked addresses to the socket, so there is no second resolution an
 * attacker's DNS could answer differently (no DNS-rebinding gap).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolveAll(hostname).then(
      (addresses) => {
        if (!allowPrivate) {
          for (const { address } of addresses) {
            const range = blockedRange(address);
            if (range) return callback(new BlockedAddressError(hostname, address, range), '');
          }
          if (isLocalName(hostname))
            return callback(
              new BlockedAddressError(hostname, addresses[0].address, 'loopback'),
              '',
            );
        }
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

const CACHE_MS = 30_000;
const checked = new Map<string, { problem: string | null; at: number }>();

/**
 * The save-time check (webhookUrl, callbackUrl) as a 400 message naming `field`, or null.
 * Results are cached per host for a few seconds so submissions with a callbackUrl do not each
 * wait for DNS; delivery checks again regardless.
 */
export async function urlFieldProblem(
  field: string,
  url: string,
  allowPrivate: boolean,
): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    // The DTO's validator lets through some URLs (e.g. an IPv6 zone id, "[fe80::1%25eth0]")
    // that Node cannot parse and so could never deliver to: refuse them here, naming the field.
    return `${field} is not a valid URL`;
  }
  if (allowPrivate) return null;
  let entry = checked.get(host);
  if (!entry || Date.now() - entry.at > CACHE_MS) {
    entry = { problem: await urlProblem(url), at: Date.now() };
    if (checked.size > 10_000) checked.clear();
    checked.set(host, entry);
  }
  return entry.problem
    ? `${field} ${entry.problem}; webhooks may only reach public addresses`
    : null;
}
