/**
 * Names the cause of a failed start or check in plain words, from what compose, the
 * containers' logs, the probes and the files on disk say. Pure: all evidence is passed in.
 */
import type { StackConfig } from '../config/stack-config.js';
import type { Problem } from '../validate/invariants.js';
import type { CheckId, CheckResult } from './checks.js';

export interface Evidence {
  upOutput: string;
  collectstatic?: { exitCode: number; logs: string };
  appLogs: string;
  /** The app's last healthcheck output, when the app is unhealthy. */
  appHealth?: string;
  nginxLogs: string;
  checks: CheckResult[];
  /** Cross-file invariant problems found in the files on disk (hand edits). */
  fileProblems: Problem[];
}

const lastLines = (text: string, count: number) =>
  text
    .split('\n')
    .filter((line) => line.trim())
    .slice(-count)
    .map((line) => `    ${line.replace(/^\S+\s+\|\s?/, '')}`)
    .join('\n');

export function diagnose(config: StackConfig, evidence: Evidence): string[] {
  const causes: string[] = [];
  const { upOutput, appLogs, nginxLogs, checks } = evidence;
  const failed = (id: CheckId) => checks.find((c) => c.id === id && !c.ok);

  if (/port is already allocated|address already in use|bind: address/i.test(upOutput)) {
    causes.push(`Port ${config.http.port} on ${config.http.bind} is already in use by another program or container. Stop it, or re-run with --port.`);
  }
  const collect = evidence.collectstatic;
  if (collect && collect.exitCode !== 0) {
    const permission = /PermissionError|Permission denied/.test(collect.logs);
    causes.push(
      permission
        ? `collectstatic could not write to the static volume (permission denied). The Dockerfile must create ${config.static.appDir} owned by the app user before the volume is first mounted; a volume created by an older image keeps its old owner: remove it with \`docker compose down -v\`. Last lines:\n${lastLines(collect.logs, 6)}`
        : `collectstatic failed (exit ${collect.exitCode}), so the app and nginx never started. Its last lines:\n${lastLines(collect.logs, 8)}`,
    );
  }
  const copiedTo = /static files? copied to '([^']+)'/.exec(collect?.logs ?? '')?.[1];
  if (copiedTo && copiedTo.replace(/\/$/, '') !== config.static.appDir) {
    causes.push(`STATIC_ROOT is not the volume: collectstatic wrote to ${copiedTo}, but the static volume is mounted at ${config.static.appDir}. Something sets STATIC_ROOT after ${config.overlayModule} (or DJANGO_SETTINGS_MODULE is not ${config.overlayModule}).`);
  }
  const importError = /(ModuleNotFoundError: No module named '[^']+'|Failed to find attribute '[^']+' in '[^']+'|ImportError: [^\n]+|AppImportError: [^\n]+)/.exec(appLogs);
  if (importError) {
    causes.push(`gunicorn cannot load the WSGI application ${config.wsgiApp}: ${importError[1]}. Check WSGI_APPLICATION / --wsgi-application.`);
  }
  if (/PermissionError|Permission denied/.test(appLogs) && !causes.some((c) => c.includes('permission'))) {
    causes.push(`The app hit "permission denied":\n${lastLines(appLogs.split('\n').filter((l) => /Permission/.test(l)).join('\n'), 3)}`);
  }
  const app = failed('app-through-nginx');
  const hostRejected = /HTTP 400 from Django/.test(evidence.appHealth ?? '');
  if (app?.response?.status === 400 || hostRejected || /Invalid HTTP_HOST header/.test(appLogs)) {
    causes.push(`Django rejected the Host header (400, DisallowedHost): ALLOWED_HOSTS does not include ${config.http.probeHost}. Set --server-names, or DJANGO_ALLOWED_HOSTS in .env.`);
  }
  if (app?.response?.status === 502 || app?.response?.status === 504 || /connect\(\) failed|upstream timed out|no live upstreams/.test(nginxLogs)) {
    if (!importError) causes.push('nginx answered 502: gunicorn is not answering. The app container is not up, or crashed; see `docker compose logs app`.');
  }
  const staticCheck = failed('static-file');
  if (staticCheck?.response?.status === 404 || /open\(\) "[^"]+" failed \(2: No such file/.test(nginxLogs)) {
    const tried = /open\(\) "([^"]+)" failed/.exec(nginxLogs)?.[1];
    causes.push(
      `Static file 404 although collectstatic filled the volume: nginx looks in the wrong place${tried ? ` (it tried ${tried})` : ''}. ` +
        `The volume is mounted in nginx at ${config.static.nginxDir}, so \`location ${config.static.url}\` needs \`root ${config.nginxDocroot};\`.`,
    );
  }
  if (evidence.appHealth && !hostRejected && !importError) {
    causes.push(`The app container is unhealthy; its healthcheck last said:\n${lastLines(evidence.appHealth, 4)}`);
  }
  for (const problem of evidence.fileProblems) causes.push(`${problem.file}: ${problem.message}`);
  if (/Permission denied/.test(nginxLogs)) causes.push(`nginx cannot read the static files (permission denied):\n${lastLines(nginxLogs.split('\n').filter((l) => /Permission denied/.test(l)).join('\n'), 3)}`);

  if (causes.length === 0 && checks.some((c) => !c.ok)) {
    causes.push(`No known cause matched. Last lines of the app and nginx logs:\n${lastLines(appLogs, 5)}\n${lastLines(nginxLogs, 5)}`);
  }
  if (causes.length === 0 && upOutput) {
    causes.push(`compose could not start the stack. Its last lines:\n${lastLines(upOutput, 8)}`);
  }
  return [...new Set(causes)];
}
