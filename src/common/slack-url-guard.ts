import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { blockedRange } from './outbound-address';

/**
 * The SSRF rule for Slack webhook URLs (contract v1.1, WEBHOOK_ALLOW_PRIVATE_NETWORKS): a URL
 * whose host is or resolves to a loopback, private, link-local, shared, unspecified or multicast
 * address is refused, at save and again before each delivery (where notification-sender's
 * guarded DNS lookup also checks the address actually connected to).
 *
 * Address classification is the shared guard's (outbound-address.ts, by ipaddr.js), so Slack
 * URLs, webhookUrl and callbackUrl refuse exactly the same ranges.
 */

/** The same switch (and spelling) as AppConfig.webhookAllowPrivateNetworks. */
export function allowPrivateNetworks(): boolean {
  return ['true', '1'].includes(process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? '');
}

export function isPrivateAddress(address: string): boolean {
  return blockedRange(address) !== null;
}

/** Returns why the URL may not be posted to, or null when it may. */
export async function checkSlackWebhookUrl(
  url: string,
  allowPrivateNetworks: boolean,
): Promise<string | null> {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return 'must be an http or https URL';
    host = parsed.hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'must be an http or https URL';
  }
  if (allowPrivateNetworks) return null;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `host ${host} does not resolve`;
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress))
    return 'must not point to a private, loopback or link-local address (WEBHOOK_ALLOW_PRIVATE_NETWORKS is off)';
  return null;
}
