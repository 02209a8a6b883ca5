/**
 * What --tls adds: nginx's HTTPS port, certificate mounts and network aliases, and for acme the
 * `acme` service (lego) and the `tls-bootstrap` one-shot with their two volumes. A pass over
 * every service (hardening, say) applies to these too.
 */
import type { StackConfig, Tls } from '../../config/stack-config.js';
import { CONTAINER, CONTAINER_SCRIPTS, SERVICES } from '../../config/names.js';
import type { StackFiles } from '../../config/file-names.js';
import type { Dependency, Feature, Mount, Port, Service } from '../service.js';

type AcmeTls = Extract<Tls, { mode: 'acme' }>;

/** The parts of the nginx service that --tls changes; nothing when TLS is off. */
export function nginxTlsParts(config: StackConfig): { ports: Port[]; mounts: Mount[]; dependsOn: Record<string, Dependency>; extra: Pick<Service, 'command' | 'networkAliases'> } {
  const tls = config.tls;
  if (tls.mode === 'off') return { ports: [], mounts: [], dependsOn: {}, extra: {} };
  const ports = [{ container: CONTAINER.httpsPort, published: tls.httpsPort }];
  if (tls.mode === 'files') {
    return {
      ports,
      mounts: [
        { type: 'bind', source: hostPath(tls.certFile), target: tls.nginxCert, readOnly: true },
        { type: 'bind', source: hostPath(tls.keyFile), target: tls.nginxKey, readOnly: true },
      ],
      dependsOn: {},
      extra: {},
    };
  }
  return {
    ports,
    mounts: [
      // Read-write: nginx's start gives the folder and the PEM its workers' group.
      { type: 'volume', source: tls.certsVolume, target: tls.nginxCertsDir },
      { type: 'volume', source: tls.webrootVolume, target: tls.webroot, readOnly: true },
      { type: 'bind', source: `./${config.files.nginxStart}`, target: CONTAINER_SCRIPTS.nginxStart, readOnly: true },
    ],
    // A certificate exists before nginx starts: HTTPS answers (with the throwaway) from the first handshake.
    dependsOn: { [SERVICES.tlsBootstrap]: 'completed' },
    extra: {
      command: ['/bin/sh', CONTAINER_SCRIPTS.nginxStart],
      // An ACME server on this network (a private CA, the tests' pebble) resolves the names to nginx.
      networkAliases: tls.domains,
    },
  };
}

/** One-shot: the throwaway certificate, with the app image's openssl (the official nginx image has none). */
function bootstrapService(tls: AcmeTls, files: StackFiles): Service {
  return {
    image: { kind: 'app' },
    // root, as the acme service: a new volume's folder is root's, and both write there with no capabilities.
    user: '0:0',
    command: ['/bin/sh', CONTAINER_SCRIPTS.tlsBootstrap],
    mounts: [
      { type: 'volume', source: tls.certsVolume, target: tls.acmeCertsDir },
      { type: 'bind', source: `./${files.tlsBootstrap}`, target: CONTAINER_SCRIPTS.tlsBootstrap, readOnly: true },
    ],
    lifecycle: 'one-shot',
  };
}

function acmeService(tls: AcmeTls, files: StackFiles): Service {
  return {
    image: { kind: 'stock', ref: tls.image },
    // The image's entrypoint is lego itself; the script runs it (first certificate, then renewals).
    entrypoint: ['/bin/sh', CONTAINER_SCRIPTS.acme],
    // nginx must answer the http-01 challenge before lego asks the CA to check it.
    dependsOn: { [SERVICES.nginx]: 'healthy' },
    ...(tls.caFile ? { environment: { LEGO_CA_CERTIFICATES: tls.caInContainer } } : {}),
    mounts: [
      { type: 'volume', source: tls.certsVolume, target: tls.acmeCertsDir },
      { type: 'volume', source: tls.webrootVolume, target: tls.webroot },
      { type: 'bind', source: `./${files.acmeScript}`, target: CONTAINER_SCRIPTS.acme, readOnly: true },
      ...(tls.caFile ? [{ type: 'bind', source: hostPath(tls.caFile), target: tls.caInContainer, readOnly: true } as const] : []),
    ],
    // No Docker socket: nginx reads the certificate file on each handshake, so nothing needs reloading.
    lifecycle: 'service',
  };
}

/** A bind mount's relative path is read from the project folder only when it starts with "./". */
function hostPath(file: string): string {
  return file.startsWith('/') || file.startsWith('./') ? file : `./${file}`;
}

export const tls: Feature = {
  name: 'tls',
  services({ config }): Record<string, Service> {
    const tls = config.tls;
    if (tls.mode !== 'acme') return {};
    return { [SERVICES.tlsBootstrap]: bootstrapService(tls, config.files), [SERVICES.acme]: acmeService(tls, config.files) };
  },
  volumes: ({ config }) => (config.tls.mode === 'acme' ? [config.tls.certsVolume, config.tls.webrootVolume] : []),
};
