import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { DomainRuleViolation } from '@act/domain/event-sourcing';

/**
 * Where a webhook may point. Only http(s), no user name or password in the URL (they would be
 * sent along and shown in the hint), and — unless WEBHOOK_ALLOW_PRIVATE_NETWORKS — no private,
 * loopback, link-local, carrier-grade NAT, multicast or otherwise reserved address: a
 * workspace admin must not be able to make the server call into its own network (SSRF).
 *
 * The check runs twice: on the URL when a channel is saved (literal IPs and `localhost`), and on
 * every address the name resolves to when a delivery connects (`guardedLookup`, passed to the
 * HTTP client as its DNS lookup), so a name that later resolves to 10.0.0.1 (DNS rebinding) is
 * refused at the moment it matters.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-mapped addresses (::ffff:0:0/96) are judged as the IPv4 address they map (isPrivateAddress);
  // as a subnet here BlockList would also match every plain IPv4 address.
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** True for an address a webhook may not reach without WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    // A zone (fe80::1%eth0) names an interface, not an address.
    const unscoped = address.replace(/%.*$/, '');
    const embedded = embeddedIPv4(unscoped);
    if (embedded === 'reserved') return true;
    if (embedded) return BLOCKED.check(embedded, 'ipv4');
    return BLOCKED.check(unscoped, 'ipv6');
  }
  return true;
}

/**
 * The IPv4 address an IPv6 address stands for, read from its 128 bits rather than from how it is
 * written (the URL parser turns `[::ffff:127.0.0.1]` into `[::ffff:7f00:1]`). IPv4-mapped
 * (::ffff:0:0/96) and IPv4-translated (::ffff:0:0:0/96) addresses are judged as their IPv4
 * address; the deprecated IPv4-compatible range (::/96, which holds :: and ::1) is refused whole.
 */
function embeddedIPv4(address: string): string | 'reserved' | undefined {
  const groups = ipv6Groups(address);
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const v4 = () => [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  if (zero(0, 5) && groups[5] === 0xffff) return v4();
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4();
  if (zero(0, 6)) return 'reserved';
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address (isIP already said it is one). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS=true */
  readonly allowPrivate: boolean;
}

/** Validates a webhook URL when a channel is saved; returns it normalized. */
export function checkWebhookUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(String(raw).trim());
  } catch {
    throw new DomainRuleViolation('channel.url', 'url is not a URL: paste the webhook address, like https://hooks.slack.com/services/…');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainRuleViolation('channel.url', `url must use http or https, not ${url.protocol.replace(':', '')}.`);
  if (url.username || url.password) throw new DomainRuleViolation('channel.url', 'url must not contain a user name or password.');
  if (!url.hostname) throw new DomainRuleViolation('channel.url', 'url has no host.');
  if (!policy.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host))) {
      throw new DomainRuleViolation('channel.url', `url points to a private or loopback address (${host}): webhooks must reach a public address.`);
    }
  }
  url.hash = '';
  return url;
}

export class PrivateAddressError extends Error {
  readonly code = 'EACT_PRIVATE_ADDRESS';
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private or loopback address: refused (WEBHOOK_ALLOW_PRIVATE_NETWORKS is false).`);
    this.name = 'PrivateAddressError';
  }
}

/** A DNS lookup for node:http that refuses private addresses unless allowed. */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[] | string, family?: number) => {
      if (error) return callback(error, '', 0);
      const list: LookupAddress[] = Array.isArray(addresses) ? addresses : [{ address: addresses, family: family ?? 4 }];
      if (!policy.allowPrivate) {
        const bad = list.find((a) => isPrivateAddress(a.address));
        if (bad) return callback(new PrivateAddressError(hostname, bad.address) as NodeJS.ErrnoException, '', 0);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}

/** `https://hooks.slack.com/…AbCd`: enough to recognise a URL, not to use it. */
export function urlHint(url: URL): string {
  const tail = `${url.pathname}${url.search}`.replace(/\/$/, '');
  return `${url.protocol}//${url.host}/…${tail.slice(-4)}`;
}
