import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An IP address (v4 or v6, no brackets) or a DNS name: what `server.listen(port, host)` takes. */
export const isListenHost = (host: string): boolean => isIP(host) !== 0 || HOSTNAME.test(host);

/**
 * Whether only this machine can reach a server listening on `host`: `localhost`, 127.0.0.0/8 or ::1 (also as
 * ::ffff:127.x.y.z). Any other name or address (0.0.0.0, ::, an interface's address) is reachable from elsewhere.
 */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 6 ? 'ipv6' : 'ipv4');
}
