/**
 * What --tls adds to compose.yaml, kept apart from the base stack so a pass over every service
 * (hardening, say) applies to these too: nginx's HTTPS port, certificate mounts and network
 * aliases, and for acme the `acme` service (lego) with its two volumes.
 */
import type { StackConfig, Tls } from '../config/stack-config.js';
import { GENERATED_FILES, SERVICES } from '../config/names.js';

type Service = Record<string, unknown>;
type AcmeTls = Extract<Tls, { mode: 'acme' }>;

/** The parts of the nginx service that --tls changes; nothing when TLS is off. */
export function nginxTlsParts(config: StackConfig): { ports: string[]; volumes: string[]; extra: Service } {
  const tls = config.tls;
  if (tls.mode === 'off') return { ports: [], volumes: [], extra: {} };
  const ports = [`${config.http.bind}:${tls.httpsPort}:443`];
  if (tls.mode === 'files') {
    return { ports, volumes: [`${hostPath(tls.certFile)}:${tls.nginxCert}:ro`, `${hostPath(tls.keyFile)}:${tls.nginxKey}:ro`], extra: {} };
  }
  return {
    ports,
    volumes: [
      // Read-write: nginx's start makes the throwaway certificate here and gives the folder its workers' group.
      `${tls.certsVolume}:${tls.nginxCertsDir}`,
      `${tls.webrootVolume}:${tls.webroot}:ro`,
      `./${GENERATED_FILES.nginxStart}:/nginx-start.sh:ro`,
    ],
    extra: {
      command: ['/bin/sh', '/nginx-start.sh'],
      // An ACME server on this network (a private CA, the tests' pebble) resolves the names to nginx.
      networks: { default: { aliases: tls.domains } },
    },
  };
}

/** The acme service (lego) and the volumes it shares with nginx; nothing unless --tls acme. */
export function acmeServices(config: StackConfig): { services: Record<string, Service>; volumes: Record<string, Service> } {
  const tls = config.tls;
  if (tls.mode !== 'acme') return { services: {}, volumes: {} };
  return {
    services: { [SERVICES.acme]: acmeService(tls) },
    volumes: { [tls.certsVolume]: {}, [tls.webrootVolume]: {} },
  };
}

function acmeService(tls: AcmeTls): Service {
  return {
    image: tls.image,
    // The image's entrypoint is lego itself; the script runs it (first certificate, then renewals).
    entrypoint: ['/bin/sh', '/acme.sh'],
    // nginx must answer the http-01 challenge before lego asks the CA to check it.
    depends_on: { [SERVICES.nginx]: { condition: 'service_healthy' } },
    ...(tls.caFile ? { environment: { LEGO_CA_CERTIFICATES: tls.caInContainer } } : {}),
    volumes: [
      `${tls.certsVolume}:${tls.acmeCertsDir}`,
      `${tls.webrootVolume}:${tls.webroot}`,
      `./${GENERATED_FILES.acmeScript}:/acme.sh:ro`,
      ...(tls.caFile ? [`${hostPath(tls.caFile)}:${tls.caInContainer}:ro`] : []),
    ],
    // No Docker socket: nginx reads the certificate file on each handshake, so nothing needs reloading.
    restart: 'unless-stopped',
  };
}

/** Compose reads a bind mount's relative path from the project folder only when it starts with "./". */
function hostPath(file: string): string {
  return file.startsWith('/') || file.startsWith('./') ? file : `./${file}`;
}
