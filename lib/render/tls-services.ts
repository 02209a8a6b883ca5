/**
 * What --tls adds to compose.yaml, kept apart from the base stack so a pass over every service
 * (hardening, say) applies to these too: nginx's HTTPS port, certificate mounts and network
 * aliases, and for acme the `acme` service (lego) and the `tls-bootstrap` one-shot with their two volumes.
 */
import type { StackConfig, Tls } from '../config/stack-config.js';
import { CONTAINER_SCRIPTS, GENERATED_FILES, SERVICES } from '../config/names.js';

type Service = Record<string, unknown>;
type AcmeTls = Extract<Tls, { mode: 'acme' }>;

/** The parts of the nginx service that --tls changes; nothing when TLS is off. */
export function nginxTlsParts(config: StackConfig): { ports: string[]; volumes: string[]; dependsOn: Service; extra: Service } {
  const tls = config.tls;
  if (tls.mode === 'off') return { ports: [], volumes: [], dependsOn: {}, extra: {} };
  const ports = [`${config.http.bind}:${tls.httpsPort}:443`];
  if (tls.mode === 'files') {
    return { ports, volumes: [`${hostPath(tls.certFile)}:${tls.nginxCert}:ro`, `${hostPath(tls.keyFile)}:${tls.nginxKey}:ro`], dependsOn: {}, extra: {} };
  }
  return {
    ports,
    volumes: [
      // Read-write: nginx's start gives the folder and the PEM its workers' group.
      `${tls.certsVolume}:${tls.nginxCertsDir}`,
      `${tls.webrootVolume}:${tls.webroot}:ro`,
      `./${GENERATED_FILES.nginxStart}:${CONTAINER_SCRIPTS.nginxStart}:ro`,
    ],
    // A certificate exists before nginx starts: HTTPS answers (with the throwaway) from the first handshake.
    dependsOn: { [SERVICES.tlsBootstrap]: { condition: 'service_completed_successfully' } },
    extra: {
      command: ['/bin/sh', CONTAINER_SCRIPTS.nginxStart],
      // An ACME server on this network (a private CA, the tests' pebble) resolves the names to nginx.
      networks: { default: { aliases: tls.domains } },
    },
  };
}

/**
 * The tls-bootstrap one-shot and the acme service (lego), and the volumes they share with nginx;
 * nothing unless --tls acme. appImage: the app's build and image, which the one-shot runs on.
 */
export function acmeServices(config: StackConfig, appImage: Service): { services: Record<string, Service>; volumes: Record<string, Service> } {
  const tls = config.tls;
  if (tls.mode !== 'acme') return { services: {}, volumes: {} };
  return {
    services: { [SERVICES.tlsBootstrap]: bootstrapService(tls, appImage), [SERVICES.acme]: acmeService(tls) },
    volumes: { [tls.certsVolume]: {}, [tls.webrootVolume]: {} },
  };
}

/** One-shot: the throwaway certificate, with the app image's openssl (the official nginx image has none). */
function bootstrapService(tls: AcmeTls, appImage: Service): Service {
  return {
    ...appImage,
    // root, as the acme service: a new volume's folder is root's, and both write there with no capabilities.
    user: '0:0',
    command: ['/bin/sh', CONTAINER_SCRIPTS.tlsBootstrap],
    volumes: [`${tls.certsVolume}:${tls.acmeCertsDir}`, `./${GENERATED_FILES.tlsBootstrap}:${CONTAINER_SCRIPTS.tlsBootstrap}:ro`],
    restart: 'no',
  };
}

function acmeService(tls: AcmeTls): Service {
  return {
    image: tls.image,
    // The image's entrypoint is lego itself; the script runs it (first certificate, then renewals).
    entrypoint: ['/bin/sh', CONTAINER_SCRIPTS.acme],
    // nginx must answer the http-01 challenge before lego asks the CA to check it.
    depends_on: { [SERVICES.nginx]: { condition: 'service_healthy' } },
    ...(tls.caFile ? { environment: { LEGO_CA_CERTIFICATES: tls.caInContainer } } : {}),
    volumes: [
      `${tls.certsVolume}:${tls.acmeCertsDir}`,
      `${tls.webrootVolume}:${tls.webroot}`,
      `./${GENERATED_FILES.acmeScript}:${CONTAINER_SCRIPTS.acme}:ro`,
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
