/**
 * `npm run bench -- --only https`: the generated nginx serving a static file over HTTPS
 * (--tls files, a certificate from a throwaway CA) next to the same nginx config rendered with
 * TLS off, on the same static volume, in one interleaved run: keep-alive as browsers use it,
 * and a new connection per request (the handshake's cost). wrk runs inside the compose network.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Answers } from '../lib/config/questions.js';
import { GENERATED_FILES, SERVICES } from '../lib/config/names.js';
import { buildStackConfig, type StackConfig } from '../lib/config/stack-config.js';
import { detectProject } from '../lib/detect/project.js';
import { ComposeProject, type Compose, type ComposeRun } from '../lib/health/compose-cli.js';
import { readManifest } from '../lib/regen/manifest.js';
import { materialize, renderStack } from '../lib/stack.js';
import { writeProject } from '../test/fixtures/projects.js';
import { leafCertificate, testCa } from '../test/fixtures/tls.js';
import { BENCH_FILES, benchProject, LOADGEN_DOCKERFILE } from './project.js';
import { LOADGEN_SERVICE, loadgenService } from './variants.js';
import { parseWrk, type WrkResult } from './wrk.js';

export interface HttpsSample extends WrkResult {
  round: number;
  scheme: 'http' | 'https';
  connection: 'keep-alive' | 'new';
}

export interface HttpsResults {
  date: string;
  settings: { rounds: number; seconds: number; connections: number; wrkThreads: number };
  /** What serves each scheme: the generated config with TLS on (https) and the same rendered with TLS off (http). */
  servers: Record<'http' | 'https', string>;
  samples: HttpsSample[];
}

export interface HttpsBenchOptions {
  cli: string;
  workdir: string;
  compose: Compose;
  project: string;
  /** HTTP; HTTPS is the next one. */
  port: number;
  rounds: number;
  seconds: number;
  connections: number;
  run: (command: string, args: string[], cwd: string) => ComposeRun;
  log: (line: string) => void;
}

const DOMAIN = 'bench.example.test';
const PLAIN_SERVICE = 'nginx-plain';
const OVERRIDE_FILE = 'compose.bench-https.yaml';

export async function measureHttps(options: HttpsBenchOptions): Promise<HttpsResults> {
  const { dir, config } = generate(options);
  const project = new ComposeProject(options.compose, dir, options.project, [GENERATED_FILES.compose, OVERRIDE_FILE]);
  const must = async (args: string[], timeoutMs = 600_000) => {
    const run = await project.run(args, { timeoutMs });
    if (run.exitCode !== 0) throw new Error(`${args.join(' ')} failed:\n${run.output.slice(-2000)}`);
    return run;
  };
  try {
    options.log('HTTPS: building and starting the --tls files stack beside the same nginx with TLS off…');
    await must(['build']);
    await must(['up', '-d', '--wait', SERVICES.app, SERVICES.nginx, PLAIN_SERVICE]);
    const manifest = JSON.parse((await must(['exec', '-T', SERVICES.app, 'cat', `${config.static.appDir}/staticfiles.json`])).output.replace(/^[^{]*/, '')) as { paths: Record<string, string> };
    const file = `${config.static.url}${manifest.paths[BENCH_FILES.css]}`;
    // wrk sends the URL's host as SNI: the domain (an alias of nginx), as a browser would.
    const url = { http: `http://${PLAIN_SERVICE}:80${file}`, https: `https://${DOMAIN}:443${file}` };
    const wrk = async (scheme: 'http' | 'https', connection: 'keep-alive' | 'new') => {
      const close = connection === 'new' ? ['-H', 'Connection: close'] : [];
      const run = await must(
        ['run', '--rm', '--no-deps', '-T', LOADGEN_SERVICE, 'wrk', '-t2', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-H', `Host: ${DOMAIN}`, ...close, url[scheme]],
        300_000,
      );
      const result = parseWrk(run.output);
      if (result.non2xx > 0 || result.requests === 0) throw new Error(`${url[scheme]} (${connection}): ${result.non2xx} non-2xx answers of ${result.requests}`);
      return result;
    };
    const samples: HttpsSample[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const connection of ['keep-alive', 'new'] as const) {
        for (const scheme of ['http', 'https'] as const) {
          const result = await wrk(scheme, connection);
          samples.push({ round, scheme, connection, ...result });
          options.log(
            `HTTPS round ${round} ${scheme} ${connection}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50ms.toFixed(2)} ms, p99 ${result.p99ms.toFixed(2)} ms${result.errors ? ` (errors ${result.errors})` : ''}`,
          );
        }
      }
    }
    return {
      date: new Date().toISOString(),
      settings: { rounds: options.rounds, seconds: options.seconds, connections: options.connections, wrkThreads: 2 },
      servers: { http: 'the generated nginx config rendered with --tls off', https: `the generated nginx config with --tls files (EC P-256 certificate), ${config.nginxImage}` },
      samples,
    };
  } finally {
    await project.run(['down', '-v', '--remove-orphans'], { timeoutMs: 180_000 });
  }
}

/** The bench project with a certificate from a throwaway CA, generated by the CLI as a user would. */
function generate(options: HttpsBenchOptions): { dir: string; config: StackConfig } {
  const dir = writeProject(benchProject('sqlite'), path.join(options.workdir, options.project));
  fs.mkdirSync(path.join(dir, 'tls'));
  leafCertificate(testCa().dir, path.join(dir, 'tls'), 'site', [DOMAIN]);
  const generated = options.run(
    process.execPath,
    [
      options.cli,
      '--yes',
      '--skip-health-check',
      '--project-name',
      options.project,
      '--server-names',
      DOMAIN,
      '--port',
      String(options.port),
      '--https-port',
      String(options.port + 1),
      '--tls',
      'files',
      '--tls-cert',
      'tls/site.pem',
      '--tls-key',
      'tls/site.key',
    ],
    dir,
  );
  if (generated.exitCode !== 0) throw new Error(`generating the --tls files stack failed:\n${generated.output.slice(-2000)}`);
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`generation left no manifest in ${dir}/.yo-rc.json`);
  const config = buildStackConfig(manifest.answers as Answers, detectProject(dir));
  // The same config with TLS off: what plain HTTP is measured on.
  const plain = materialize(renderStack({ ...config, tls: { mode: 'off' } })).get(GENERATED_FILES.nginxConf)!;
  fs.mkdirSync(path.join(dir, 'bench-nginx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-nginx', 'plain.conf'), plain);
  fs.mkdirSync(path.join(dir, 'bench-loadgen'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-loadgen', 'Dockerfile'), LOADGEN_DOCKERFILE);
  const override = {
    services: {
      [PLAIN_SERVICE]: {
        image: config.nginxImage,
        volumes: [`./bench-nginx/plain.conf:/etc/nginx/conf.d/default.conf:ro`, `${config.static.volume}:${config.static.nginxDir}:ro`],
        depends_on: { [SERVICES.app]: { condition: 'service_healthy' } },
      },
      // nginx refuses handshakes for names it does not serve: the load generator reaches it by the domain.
      [SERVICES.nginx]: { networks: { default: { aliases: [DOMAIN] } } },
      [LOADGEN_SERVICE]: loadgenService(config),
    },
  };
  fs.writeFileSync(path.join(dir, OVERRIDE_FILE), stringify(override, { version: '1.1' }));
  return { dir, config };
}
