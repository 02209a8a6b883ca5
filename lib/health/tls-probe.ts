/**
 * TLS handshakes with the published HTTPS port on 127.0.0.1, as a browser would make them to
 * a server name (SNI): what certificate is served, whether it verifies against the CA in use,
 * and which protocol versions are accepted.
 */
import tls from 'node:tls';

export interface ServedCertificate {
  serial: string;
  subjectAltNames: string[];
  issuer: string;
  validTo: Date;
  /** Whole days until it expires (negative once expired). */
  daysLeft: number;
}

export interface Handshake {
  /** A TLS session was established (whether or not the certificate verifies). */
  connected: boolean;
  protocol?: string;
  certificate?: ServedCertificate;
  /** Why the certificate does not verify for the name (chain or name), when it does not. */
  verifyError?: string;
  /** Why no session was established. */
  error?: string;
}

export interface HandshakeOptions {
  /** PEM CA certificates to trust instead of the system store. */
  ca?: string[];
  /** Offer exactly this protocol version (to prove old ones are refused). */
  version?: tls.SecureVersion;
  timeoutMs?: number;
}

const DAY_MS = 86_400_000;

export function handshake(port: number, servername: string, options: HandshakeOptions = {}): Promise<Handshake> {
  const { ca, version, timeoutMs = 10_000 } = options;
  // TLS 1.0/1.1 need security level 0 on our side, or OpenSSL refuses to offer them itself and
  // the probe would "pass" without asking the server.
  const old = version === 'TLSv1' || version === 'TLSv1.1';
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername,
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
      ...(version ? { minVersion: version, maxVersion: version } : {}),
      ...(old ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (result: Handshake) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ connected: false, error: `no TLS answer within ${timeoutMs / 1000} s` }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ connected: false, error: `${error.code ? `${error.code}: ` : ''}${error.message}` }));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      const certificate = peer && peer.serialNumber ? describe(peer) : undefined;
      // Node reports a wrong name as a bare code: checkServerIdentity says which names it covers.
      const nameError = peer && peer.serialNumber ? tls.checkServerIdentity(servername, peer)?.message : 'no certificate';
      const chainError = socket.authorized ? undefined : String(socket.authorizationError);
      finish({ connected: true, protocol: socket.getProtocol() ?? undefined, certificate, verifyError: nameError ?? chainError });
    });
  });
}

function describe(peer: tls.PeerCertificate): ServedCertificate {
  const validTo = new Date(peer.valid_to);
  const issuer = peer.issuer as unknown as Record<string, string | string[]> | undefined;
  return {
    serial: peer.serialNumber.toUpperCase(),
    subjectAltNames: (peer.subjectaltname ?? '')
      .split(',')
      .map((name) => name.trim().replace(/^DNS:/, ''))
      .filter(Boolean),
    issuer: String(issuer?.['CN'] ?? issuer?.['O'] ?? 'unknown'),
    validTo,
    daysLeft: Math.floor((validTo.getTime() - Date.now()) / DAY_MS),
  };
}
