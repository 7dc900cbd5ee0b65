import { RunwireError } from '../core/errors.js';

/**
 * The ports fetch refuses to connect to (https://fetch.spec.whatwg.org/#block-bad-port): well-known
 * non-HTTP services (echo, SMTP, IRC…). undici fails these with a bare "bad port"; Runwire says which
 * port and what to do before any connection is tried.
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Throws `runwire.http.bad_port` when `url` names a port fetch blocks. */
export function checkPort(url: URL, where: string): void {
  if (url.port === '' || !BAD_PORTS.has(Number(url.port))) return;
  throw new RunwireError(
    'runwire.http.bad_port',
    `${where}: port ${url.port} is reserved for a non-HTTP service, and HTTP clients refuse to connect to it`,
    {
      fix: `serve the endpoint on another port (e.g. 8080) and use it in the URL; ports fetch blocks: https://fetch.spec.whatwg.org/#block-bad-port`,
    },
  );
}
