/**
 * The compose target's runtime for the health check: the stack is built and started with
 * whichever Compose is present (v2 waits itself; for docker-compose 1.x the containers' health
 * is polled), and --down removes it.
 */
import { composeFileArgs } from '../../config/file-names.js';
import { SERVICES } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';
import { ComposeProject, findCompose } from '../../health/compose-cli.js';
import type { HealthRuntime, OpenRuntime } from '../../health/health-runtime.js';
import { dataVolumes } from './data-volumes.js';

const PROBE_ADDRESSES = new Set(['127.0.0.1', '0.0.0.0']);

export const openComposeRuntime: OpenRuntime = async (config, cwd, log) => {
  const compose = await findCompose();
  if (!compose) {
    log('A Docker engine answers, but neither `docker compose` (v2) nor `docker-compose` (v1) was found; health check skipped.');
    return 'no-engine';
  }
  if (!PROBE_ADDRESSES.has(config.http.bind)) {
    return { notRun: `the port is bound to ${config.http.bind}; the check only probes 127.0.0.1, so bind 127.0.0.1 or 0.0.0.0 to check` };
  }
  const project = new ComposeProject(compose, cwd, config.projectName, composeFileArgs(config.files));
  return composeRuntime(config, project);
};

function composeRuntime(config: StackConfig, project: ComposeProject): HealthRuntime {
  const { compose } = project;
  return {
    stack: project,
    words: { ready: 'Stack healthy', missed: 'The stack did not become healthy', failed: 'the stack did not start' },
    async start(timeoutMs, log, { build }) {
      const seconds = Math.round(timeoutMs / 1000);
      const buildFlag = build ? '--build' : '--no-build';
      log(
        `Health check: ${build ? 'building and starting' : 'starting (no build)'} the stack with ${compose.variant === 'v2' ? 'Compose v2' : 'docker-compose'} ${compose.version} (at most ${seconds} s)…`,
      );
      const stream = (line: string) => log(`  │ ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
      const up =
        compose.variant === 'v2'
          ? await project.run(['up', '-d', buildFlag, '--wait', '--wait-timeout', String(seconds)], { timeoutMs: timeoutMs + 30_000, stream })
          : await upAndPollV1(project, oneShots(config), timeoutMs, stream, buildFlag);
      return { ok: up.exitCode === 0 && !up.timedOut, timedOut: up.timedOut, output: up.output };
    },
    async failureEvidence() {
      const collectState = await project.state(SERVICES.collectstatic);
      const migrateState = await project.state(SERVICES.migrate);
      const bootstrapState = config.tls.mode === 'acme' ? await project.state(SERVICES.tlsBootstrap) : undefined;
      return {
        causes: [],
        oneShots: {
          collectstatic: collectState && collectState.status === 'exited' ? { exitCode: collectState.exitCode, logs: await project.logs(SERVICES.collectstatic) } : undefined,
          migrate: migrateState && migrateState.status === 'exited' ? { exitCode: migrateState.exitCode, logs: await project.logs(SERVICES.migrate, 60) } : undefined,
          acme: config.tls.mode === 'acme' ? { service: SERVICES.acme, logs: await project.logs(SERVICES.acme, 80) } : undefined,
          tlsBootstrap: bootstrapState?.status === 'exited' ? { service: SERVICES.tlsBootstrap, exitCode: bootstrapState.exitCode, logs: await project.logs(SERVICES.tlsBootstrap, 20) } : undefined,
        },
      };
    },
    async stop(config, deleteData, log) {
      const data = dataVolumes(config);
      const deleted = deleteData ? data : [];
      const kept = data.filter((volume) => !deleted.includes(volume));
      const keptLine = kept.length ? ` Kept: the ${kept.join(', ')} volume${kept.length > 1 ? 's' : ''} (data).` : '';
      const deletedLine = deleted.length ? ` --delete-data: the ${deleted.join(', ')} volume${deleted.length > 1 ? 's are' : ' is'} deleted too.` : '';
      log(`Stopping the stack (--down): its containers, network and the ${config.static.volume} volume (rebuilt by collectstatic) are removed.${keptLine}${deletedLine}`);
      await project.downRemovingVolumes([config.static.volume, ...deleted]);
    },
    stopHint: (config) => `stop it with \`${config.composeCommand} down\``,
  };
}

/** The one-shots that run before the long-running services; a start waits for each to exit 0. */
function oneShots(config: StackConfig): string[] {
  return [SERVICES.collectstatic, SERVICES.migrate, ...(config.tls.mode === 'acme' ? [SERVICES.tlsBootstrap] : [])];
}

/** docker-compose 1.x has no --wait: start, then poll the containers' health ourselves. */
async function upAndPollV1(project: ComposeProject, shots: string[], timeoutMs: number, stream: (line: string) => void, buildFlag: '--build' | '--no-build') {
  const deadline = Date.now() + timeoutMs;
  const up = await project.run(['up', '-d', buildFlag], { timeoutMs, stream });
  if (up.exitCode !== 0) return up;
  while (Date.now() < deadline) {
    const [app, nginx, ...shotStates] = await Promise.all([SERVICES.app, SERVICES.nginx, ...shots].map((service) => project.state(service)));
    const failed = shots.findIndex((_, i) => shotStates[i]?.status === 'exited' && shotStates[i].exitCode !== 0);
    if (failed >= 0) return { ...up, exitCode: 1, output: `${up.output}\n${shots[failed]} exited with ${shotStates[failed]!.exitCode}` };
    if (app?.health === 'healthy' && nginx?.health === 'healthy') return up;
    if (app?.health === 'unhealthy' || nginx?.health === 'unhealthy' || app?.status === 'exited') {
      return { ...up, exitCode: 1, output: `${up.output}\napp is ${app?.health ?? app?.status}, nginx is ${nginx?.health ?? nginx?.status ?? 'not started'}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { ...up, exitCode: 1, timedOut: true };
}
