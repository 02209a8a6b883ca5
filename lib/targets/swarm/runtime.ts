/**
 * The swarm target's runtime for the health check. It deploys nothing (swarm.sh does): it
 * waits for the deployed stack to converge and, on failure, names the cause from the tasks'
 * errors and logs.
 */
import { SERVICES } from '../../config/names.js';
import { lastLines } from '../../health/log-lines.js';
import type { HealthRuntime, OpenRuntime } from '../../health/health-runtime.js';
import { docker, SwarmStack } from '../../health/swarm-cli.js';
import { waitForConvergence, type ServiceVerdict } from '../../health/swarm-converge.js';

export const openSwarmRuntime: OpenRuntime = async (config) => {
  const node = (await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).output.trim();
  if (node !== 'active') return { notRun: `this engine is not part of a swarm (state: ${node || 'unknown'}): run \`docker swarm init\`, then ./swarm.sh up` };
  return swarmRuntime(new SwarmStack(config.swarm!.stackName));
};

function swarmRuntime(stack: SwarmStack): HealthRuntime {
  const { stackName } = stack;
  let unsettled: ServiceVerdict[] = [];
  return {
    stack,
    words: { ready: 'Stack converged', missed: 'The stack did not converge', failed: 'the stack did not converge' },
    async start(timeoutMs, log) {
      log(`Health check: waiting for the ${stackName} stack to converge (every replica running and healthy, the migrate job complete; at most ${Math.round(timeoutMs / 1000)} s)…`);
      const progress: string[] = [];
      const convergence = await waitForConvergence(stackName, timeoutMs, (line) => {
        progress.push(line);
        log(`  │ ${line}`);
      });
      if (convergence.missing) return { notRun: convergence.missing };
      unsettled = convergence.verdicts.filter((verdict) => verdict.state !== 'converged');
      return { ok: convergence.ok, timedOut: Boolean(convergence.timedOut), output: progress.join('\n') };
    },
    async failureEvidence() {
      const migrate = unsettled.find((verdict) => verdict.name === stack.serviceName(SERVICES.migrate));
      return {
        causes: await taskCauses(unsettled),
        oneShots: { migrate: migrate?.state === 'failed' ? { exitCode: 1, logs: await stack.logs(SERVICES.migrate, 60) } : undefined },
      };
    },
    async stop(_config, _deleteData, log) {
      log(`Removing the stack (--down): \`docker stack rm ${stackName}\`. Its volumes and secrets are kept (data survives; \`docker volume ls\`, \`docker secret ls\`).`);
      await docker(['stack', 'rm', stackName], 120_000);
    },
    stopHint: () => 'remove it with `./swarm.sh down`',
  };
}

/** For each service that did not converge: its latest task errors (`docker service ps --no-trunc`) and log tail. */
async function taskCauses(unsettled: ServiceVerdict[]): Promise<string[]> {
  const causes: string[] = [];
  for (const verdict of unsettled) {
    const tasks = await docker(['service', 'ps', '--no-trunc', '--format', '{{.Name}} {{.CurrentState}} {{.Error}}', verdict.name]);
    const errors = tasks.output
      .split('\n')
      .filter((line) => line.trim())
      .slice(0, 5);
    const logs = (await docker(['service', 'logs', '--no-trunc', '--tail', '15', verdict.name])).output;
    causes.push(`${verdict.name} did not converge (${verdict.detail}). Its latest tasks:\n${errors.map((line) => `    ${line}`).join('\n')}\n  Last log lines:\n${lastLines(logs, 10)}`);
  }
  return causes;
}
