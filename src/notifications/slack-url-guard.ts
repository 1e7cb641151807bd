import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * The SSRF rule for Slack webhook URLs (contract v1.1, WEBHOOK_ALLOW_PRIVATE_NETWORKS): a URL
 * whose host is or resolves to a loopback, private, link-local, shared, unspecified or multicast
 * address is refused, at save and again before each delivery (where notification-sender's
 * guarded DNS lookup also checks the address actually connected to).
 *
 * Kept to this one function on purpose: the shared webhook URL guard (helper `trust`) covers the
 * same ranges, and this is meant to be folded into it when both land.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

/** Until the shared URL guard lands (helper `trust`), read the same switch it reads. */
export function allowPrivateNetworks(): boolean {
  return process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true';
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    // IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address in disguise.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
    return BLOCKED.check(address, 'ipv6');
  }
  return true;
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
