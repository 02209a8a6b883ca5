/**
 * HTTP(S) probes through the published port, on 127.0.0.1 only. The request path is sent
 * exactly as given (no normalization), which the traversal probes depend on. Over TLS the
 * server name goes in SNI and is what the certificate is verified against. Cookies are kept
 * the way a browser keeps them, for the login round trip.
 */
import type { IncomingMessage } from 'node:http';
import { http, https } from './builtins.js';

/** A published port on 127.0.0.1; with tls, HTTPS to it as the server name (SNI, verification). */
export interface Endpoint {
  port: number;
  tls?: TlsTarget;
}

export interface TlsTarget {
  servername: string;
  /** PEM CA certificates to trust instead of the system store (a private or test ACME CA). */
  ca?: string[];
}

const endpointOf = (target: number | Endpoint): Endpoint => (typeof target === 'number' ? { port: target } : target);

export interface ProbeResponse {
  status: number;
  /** Header name (lower case) -> every value sent, in order. */
  headers: Map<string, string[]>;
  body: string;
}

export function probe(port: number | Endpoint, rawPath: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<ProbeResponse> {
  return send(port, { method: 'GET', path: rawPath, headers, timeoutMs });
}

export interface ProbeRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** Sent as is; the caller sets Content-Type. */
  body?: string;
  timeoutMs?: number;
  /** Where to send it: 127.0.0.1 unless told (doctor's --url probes the host the user names). */
  host?: string;
}

/** One request to 127.0.0.1:port (or `host`); redirects are returned, never followed. */
export function send(target: number | Endpoint, { method, path: rawPath, headers, body, timeoutMs = 10_000, host = '127.0.0.1' }: ProbeRequest): Promise<ProbeResponse> {
  const { port, tls } = endpointOf(target);
  const allHeaders = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
  const options = { host, port, path: rawPath, method, headers: allHeaders, agent: false, timeout: timeoutMs } as const;
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < 256 * 1024) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const grouped = new Map<string, string[]>();
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          const name = response.rawHeaders[i]!.toLowerCase();
          grouped.set(name, [...(grouped.get(name) ?? []), response.rawHeaders[i + 1]!]);
        }
        resolve({ status: response.statusCode ?? 0, headers: grouped, body: Buffer.concat(chunks).toString('latin1') });
      });
      response.on('error', reject);
    };
    const request = tls ? https().request({ ...options, servername: tls.servername, ...(tls.ca ? { ca: tls.ca } : {}) }, onResponse) : http().request(options, onResponse);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', reject);
    request.end(body);
  });
}

export const header = (response: ProbeResponse, name: string): string | undefined => response.headers.get(name)?.[0];

/**
 * The cookies a browser keeps from one site (RFC 6265 section 5.2, host-only, path ignored:
 * every request here goes to one site). Over http, Secure cookies are dropped, as browsers
 * refuse them from an insecure origin; which ones were is remembered, to explain a failure.
 * Over https, which ones lacked Secure is remembered (the TLS check wants them all Secure).
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  readonly refusedSecure = new Set<string>();
  readonly notSecure = new Set<string>();

  constructor(private readonly secureOrigin = false) {}

  store(response: ProbeResponse): void {
    for (const line of response.headers.get('set-cookie') ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const attribute = (wanted: string) => attributes.map((a) => a.trim()).find((a) => a.toLowerCase() === wanted || a.toLowerCase().startsWith(`${wanted}=`));
      const maxAge = attribute('max-age')?.split('=')[1];
      const expires = attribute('expires')?.slice('expires='.length);
      const expired = (maxAge !== undefined && Number(maxAge) <= 0) || (maxAge === undefined && expires !== undefined && Date.parse(expires) <= Date.now());
      // Django deletes a cookie (logout) without Secure: an expired, empty cookie carries nothing.
      if (!attribute('secure') && !expired) this.notSecure.add(name);
      if (attribute('secure') && !this.secureOrigin) {
        this.refusedSecure.add(name);
        continue;
      }
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie request header, or nothing when the jar is empty. */
  header(): Record<string, string> {
    return this.cookies.size ? { Cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {};
  }
}
