// Refuses upstreams on loopback/private/link-local ranges unless the operator allowed them, so an
// account's baseUrl cannot be used to reach the gateway's own network (SSRF). The check runs at DNS
// lookup time inside the socket connect, so a name that later re-resolves to a private address fails too.
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

const PUBLIC_RANGES = new Set(['unicast']);

export function isPrivateAddress(ip: string): boolean {
  try {
    let addr = ipaddr.parse(ip);
    if (addr.kind() === 'ipv6') {
      const v6 = addr as ipaddr.IPv6;
      // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms: judge the IPv4.
      if (v6.isIPv4MappedAddress()) addr = v6.toIPv4Address();
      else if (v6.parts.slice(0, 6).every((p) => p === 0)) return true;
    }
    return !PUBLIC_RANGES.has(addr.range());
  } catch {
    return true;
  }
}

export class PrivateUpstreamError extends Error {
  code = 'EPRIVATEUPSTREAM';
}

/** A dns.lookup replacement for net.connect that fails on private addresses. */
export const guardedLookup: typeof dns.lookup = ((hostname: string, options: any, callback: any) => {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? {} : options;
  dns.lookup(hostname, { ...opts, all: true }, (err, addresses: dns.LookupAddress[]) => {
    if (err) return cb(err);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return cb(new PrivateUpstreamError(`${hostname} resolves to a private address`));
    if (opts.all) return cb(null, addresses);
    cb(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as typeof dns.lookup;

/** Literal IP hosts skip DNS, so they are checked up front. */
export function isPrivateLiteralHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(h)) return isPrivateAddress(h);
  return h === 'localhost' || h.endsWith('.localhost');
}
