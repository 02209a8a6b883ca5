/**
 * The health check of a Swarm stack (`check --target swarm`). It deploys nothing (swarm.sh
 * does): it waits for the deployed stack to converge, then runs the same checks through the
 * published port on 127.0.0.1 and, on failure, names the cause from the tasks' errors and logs.
 */
import { SERVICES } from '../config/names.js';
import { runChecks } from './checks.js';
import { engineAnswers } from './compose-cli.js';
import { diagnose } from './diagnose.js';
import { lastLines } from './log-lines.js';
import { printTable, runtimeEvidence, type HealthOptions, type HealthResult } from './run.js';
import { docker, SwarmStack } from './swarm-cli.js';
import { waitForConvergence, type ServiceVerdict } from './swarm-converge.js';

export async function runSwarmHealthCheck(options: HealthOptions): Promise<HealthResult | 'no-engine'> {
  const { config, cwd, log } = options;
  const stackName = config.swarm!.stackName;
  const timeoutMs = options.startTimeoutMs ?? 600_000;
  if (!(await engineAnswers())) {
    log('No Docker engine answered (`docker info`), so the health check was skipped. Start Docker, then run `yo django-static:check`.');
    return 'no-engine';
  }
  const node = (await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).output.trim();
  if (node !== 'active') {
    const summary = `this engine is not part of a swarm (state: ${node || 'unknown'}): run \`docker swarm init\`, then ./swarm.sh up`;
    log(`Health check not run: ${summary}.`);
    return { ok: false, summary, checks: [], causes: [] };
  }

  const stack = new SwarmStack(stackName);
  log(`Health check: waiting for the ${stackName} stack to converge (every replica running and healthy, the migrate job complete; at most ${Math.round(timeoutMs / 1000)} s)…`);
  const started = Date.now();
  const progress: string[] = [];
  const convergence = await waitForConvergence(stackName, timeoutMs, (line) => {
    progress.push(line);
    log(`  │ ${line}`);
  });
  const secondsToHealthy = convergence.ok ? (Date.now() - started) / 1000 : undefined;
  if (convergence.missing) {
    log(`Health check not run: ${convergence.missing}.`);
    return { ok: false, summary: convergence.missing, checks: [], causes: [] };
  }
  log(
    convergence.ok
      ? `Stack converged after ${secondsToHealthy!.toFixed(1)} s; probing http://127.0.0.1:${config.http.port}/`
      : `The stack did not converge${convergence.timedOut ? ` within ${Math.round(timeoutMs / 1000)} s` : ''}.`,
  );

  const checks = convergence.ok ? await runChecks(config, stack) : [];
  const ok = convergence.ok && checks.every((check) => check.ok);
  printTable(checks, convergence.ok, log);

  let causes: string[] = [];
  if (!ok) {
    const unsettled = convergence.verdicts.filter((verdict) => verdict.state !== 'converged');
    const migrate = unsettled.find((verdict) => verdict.name === stack.serviceName(SERVICES.migrate));
    causes = [
      ...(await taskCauses(unsettled)),
      ...diagnose(config, {
        ...(await runtimeEvidence(config, stack, cwd)),
        upOutput: progress.join('\n'),
        migrate: migrate?.state === 'failed' ? { exitCode: 1, logs: await stack.logs(SERVICES.migrate, 60) } : undefined,
        checks,
      }),
    ];
    log('Diagnosis:');
    for (const cause of causes) log(`  - ${cause}`);
  }

  if (options.down) {
    log(`Removing the stack (--down): \`docker stack rm ${stackName}\`. Its volumes and secrets are kept (data survives; \`docker volume ls\`, \`docker secret ls\`).`);
    await docker(['stack', 'rm', stackName], 120_000);
  } else if (convergence.ok) {
    const page = checks.find((check) => check.id === 'app-through-nginx')?.path ?? '/';
    log(`The stack keeps running: ${config.http.url}${page.replace(/^\//, '')}  (remove it with \`./swarm.sh down\`)`);
  }
  const failedNames = checks.filter((c) => !c.ok).map((c) => c.name);
  const summary = ok ? 'all checks passed' : convergence.ok ? `failed: ${failedNames.join(', ')}` : 'the stack did not converge';
  return { ok, secondsToHealthy, summary: causes.length ? `${summary} (${causes[0]!.split('\n')[0]})` : summary, checks, causes };
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
