/**
 * What the http task may connect to and which redirects it follows. Pure decisions plus one
 * `dns.lookup` wrapper that applies the address rule at connect time, to the address actually
 * resolved (a name that resolves to the metadata service is refused like the literal address).
 *
 * Refused by default: link-local addresses — IPv4 169.254.0.0/16 (the cloud metadata service is
 * 169.254.169.254), IPv6 fe80::/10, their IPv4-mapped forms — and AWS's IPv6 metadata address
 * fd00:ec2::254. Private and loopback addresses stay allowed: calling internal services is what
 * runbooks are for. `RUNWIRE_HTTP_ALLOW_LINK_LOCAL=1` (passed in as `allowLinkLocal`) lifts the rule.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { RunwireError } from '../core/errors.js';

/** How an http task follows redirects: to the same origin only (default), anywhere, or not at all. */
export type RedirectPolicy = 'same-origin' | 'any' | 'none';
export const REDIRECT_POLICIES: readonly RedirectPolicy[] = ['same-origin', 'any', 'none'];
/** Most redirects followed for one request. */
export const MAX_REDIRECTS = 10;
import { ALLOW_LINK_LOCAL_ENV } from './http-env.js';

export { ALLOW_LINK_LOCAL_ENV };

const METADATA_V6 = 'fd00:ec2::254';

/** The 8 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase().split('%')[0] as string;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g, 16));
}

/** True when `ip` (a literal address) is link-local or a cloud metadata address. */
export function isLinkLocalOrMetadata(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return ip.startsWith('169.254.');
  if (family !== 6) return false;
  const g = ipv6Groups(ip);
  if (((g[0] as number) & 0xffc0) === 0xfe80) return true; // fe80::/10
  // ::ffff:169.254.x.x (IPv4-mapped)
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && (g[6] as number) >> 8 === 169) {
    return ((g[6] as number) & 0xff) === 254;
  }
  return g.join(':') === ipv6Groups(METADATA_V6).join(':');
}

/** The error for a refused address (`host` as written, `address` as resolved). */
export function blockedAddressError(host: string, address: string): RunwireError {
  const via = host === address ? '' : ` (${host} resolves to it)`;
  return new RunwireError(
    'runwire.http.blocked_address',
    `refused to connect to ${address}${via}: link-local and cloud metadata addresses are blocked`,
    {
      fix: `if this runbook really must call it, set ${ALLOW_LINK_LOCAL_ENV}=1 in the environment of the runwire process`,
    },
  );
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** A resolver with `dns.lookup`'s `all: true` shape. */
export type ResolveAll = (
  hostname: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;
/** What `net.connect` accepts as `lookup`. */
export type ConnectLookup = (hostname: string, options: object, callback: LookupCallback) => void;

/**
 * A `lookup` for `net.connect` that refuses link-local and metadata addresses among the ones the
 * name resolves to (`resolve`, `dns.lookup` by default). Answers both shapes `net` asks for (one
 * address, or `all: true`).
 */
export function guardLookup(resolve: ResolveAll = dnsLookup as unknown as ResolveAll): ConnectLookup {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = addresses.find((a) => isLinkLocalOrMetadata(a.address));
      if (bad) return callback(blockedAddressError(hostname, bad.address) as unknown as NodeJS.ErrnoException, []);
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Refuse a URL whose host is itself a link-local or metadata literal (`net` does no lookup for those). */
export function checkLiteralHost(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLinkLocalOrMetadata(host)) throw blockedAddressError(host, host);
}

/** Whether to follow a redirect from `from` to `to` under `policy`: 'follow' or why not. */
export function redirectDecision(from: URL, to: URL, policy: RedirectPolicy): 'follow' | 'scheme' | 'origin' | 'none' {
  if (policy === 'none') return 'none';
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return 'scheme';
  if (policy === 'same-origin' && to.origin !== from.origin) return 'origin';
  return 'follow';
}
