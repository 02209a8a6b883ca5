/**
 * Names the cause of a failed start or check in plain words, from what compose, the
 * containers' logs, the probes and the files on disk say. Pure: all evidence is passed in.
 */
import { limitOf } from '../config/limits.js';
import { DATABASE_URL_VARIABLE, POSTGRES_PASSWORD_VARIABLE, SERVICES } from '../config/names.js';
import type { StackConfig } from '../config/stack-config.js';
import type { Problem } from '../validate/invariants.js';
import type { CheckId } from './check-result.js';
import { tlsCauses, type TlsEvidence } from './diagnose-tls.js';
import { asgiCauses } from './diagnose-asgi.js';
import { lastLines } from './log-lines.js';
import { serverProgram } from '../model/features/app-server.js';
import { processCauses, type ProcessState } from './diagnose-processes.js';

/** TlsEvidence: the check results, and with --tls acme the acme service's logs and tls-bootstrap's exit. */
export interface Evidence extends TlsEvidence {
  upOutput: string;
  collectstatic?: { exitCode: number; logs: string };
  /** The one-shot migrate service, once it has exited. */
  migrate?: { exitCode: number; logs: string };
  /** The db service's logs (--database postgres). */
  dbLogs?: string;
  appLogs: string;
  /** The app's last healthcheck output, when the app is unhealthy. */
  appHealth?: string;
  /** The kernel's OOM killer killed a process in the app container (docker's State.OOMKilled). */
  appOomKilled?: boolean;
  nginxLogs: string;
  /** Cross-file invariant problems found in the files on disk (hand edits). */
  fileProblems: Problem[];
  /** Workers, beat and Redis not running healthy (projects with processes only). */
  processes?: ProcessState[];
}

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
        ? `collectstatic could not write to the static volume (permission denied). The Dockerfile must create ${config.static.appDir} owned by the app user before the volume is first mounted; a volume created by an older image keeps its old owner: remove it with \`${config.composeCommand} down -v\`. Last lines:\n${lastLines(collect.logs, 6)}`
        : `collectstatic failed (exit ${collect.exitCode}), so the app and nginx never started. Its last lines:\n${lastLines(collect.logs, 8)}`,
    );
  }
  const copiedTo = /static files? copied to '([^']+)'/.exec(collect?.logs ?? '')?.[1];
  if (copiedTo && copiedTo.replace(/\/$/, '') !== config.static.appDir) {
    causes.push(
      `STATIC_ROOT is not the volume: collectstatic wrote to ${copiedTo}, but the static volume is mounted at ${config.static.appDir}. Something sets STATIC_ROOT after ${config.overlayModule} (or DJANGO_SETTINGS_MODULE is not ${config.overlayModule}).`,
    );
  }
  // gunicorn's master names it too when it outlives the worker: "Worker (pid:…) was sent SIGKILL! Perhaps out of memory?"
  const oom = evidence.appOomKilled || /Perhaps out of memory/.test(appLogs);
  if (oom) {
    const limit = limitOf(config.limits, SERVICES.app).memoryMiB;
    causes.push(
      `gunicorn was killed by the kernel's OOM killer: the ${SERVICES.app} container reached its memory limit of ${limit}m (mem_limit in compose.yaml). ` +
        `Raise it with --app-memory (for example --app-memory ${limit * 2}m) and generate again, or run fewer workers (--workers, or WEB_CONCURRENCY in .env).`,
    );
  }
  const importError = /(ModuleNotFoundError: No module named '[^']+'|Failed to find attribute '[^']+' in '[^']+'|ImportError: [^\n]+|AppImportError: [^\n]+)/.exec(appLogs);
  if (importError) {
    causes.push(`gunicorn cannot load the WSGI application ${config.wsgiApp}: ${importError[1]}. Check WSGI_APPLICATION / --wsgi-application.`);
  }
  if (/PermissionError|Permission denied/.test(appLogs) && !causes.some((c) => c.includes('permission'))) {
    causes.push(
      `The app hit "permission denied":\n${lastLines(
        appLogs
          .split('\n')
          .filter((l) => /Permission/.test(l))
          .join('\n'),
        3,
      )}`,
    );
  }
  const app = failed('app-through-nginx');
  const hostRejected = /HTTP 400 from Django/.test(evidence.appHealth ?? '');
  if (app?.response?.status === 400 || hostRejected || /Invalid HTTP_HOST header/.test(appLogs)) {
    causes.push(`Django rejected the Host header (400, DisallowedHost): ALLOWED_HOSTS does not include ${config.http.probeHost}. Set --server-names, or DJANGO_ALLOWED_HOSTS in .env.`);
  }
  if (app?.response?.status === 502 || app?.response?.status === 504 || /connect\(\) failed|upstream timed out|no live upstreams/.test(nginxLogs)) {
    if (!importError) causes.push(`nginx answered 502: ${serverProgram(config)} is not answering. The app container is not up, or crashed; see \`${config.composeCommand} logs ${SERVICES.app}\`.`);
  }
  const staticCheck = failed('static-file');
  // The TLS check's probe of the ACME challenge path is a 404 by design: not a misplaced static file.
  const missedFiles = nginxLogs
    .split('\n')
    .filter((line) => !line.includes('/.well-known/acme-challenge/'))
    .join('\n');
  if (staticCheck?.response?.status === 404 || /open\(\) "[^"]+" failed \(2: No such file/.test(missedFiles)) {
    const tried = /open\(\) "([^"]+)" failed/.exec(missedFiles)?.[1];
    causes.push(
      `Static file 404 although collectstatic filled the volume: nginx looks in the wrong place${tried ? ` (it tried ${tried})` : ''}. ` +
        `The volume is mounted in nginx at ${config.static.nginxDir}, so \`location ${config.static.url}\` needs \`root ${config.nginxDocroot};\`.`,
    );
  }
  causes.push(...databaseCauses(config, evidence));
  causes.push(...tlsCauses(evidence));
  causes.push(...asgiCauses(config, appLogs));
  const login = failed('admin-login');
  if (login?.response?.status === 403 && login.csrf) {
    const { origin, trustedOrigins } = login.csrf;
    causes.push(
      `The admin login form was refused with 403 (CSRF): the browser's Origin is ${origin}, and Django accepts only http://<the Host nginx forwards> or CSRF_TRUSTED_ORIGINS (${trustedOrigins.length ? trustedOrigins.join(', ') : 'empty'}). ` +
        `Add ${origin} to DJANGO_CSRF_TRUSTED_ORIGINS in .env (or re-run with --server-names), and keep \`proxy_set_header Host $http_host;\` in nginx/default.conf so Django sees the port.`,
    );
  }
  if (evidence.appHealth && !hostRejected && !importError) {
    causes.push(`The app container is unhealthy; its healthcheck last said:\n${lastLines(evidence.appHealth, 4)}`);
  }
  const privileges = failed('least-privilege');
  if (privileges) {
    causes.push(
      `A container runs with more privilege than the stack grants: ${privileges.detail}. ${config.target === 'swarm' ? config.files.stack : config.files.compose} was edited by hand (or predates these settings): generate again to restore them, ` +
        'or, if the project truly needs one loosened, see "Loosening one" in docs/least-privilege.md of generator-django-static for how and what it costs.',
    );
  }
  causes.push(...processCauses(config, evidence.processes ?? []));
  for (const problem of evidence.fileProblems) causes.push(`${problem.file}: ${problem.message}`);
  if (/Permission denied/.test(nginxLogs))
    causes.push(
      `nginx cannot read the static files (permission denied):\n${lastLines(
        nginxLogs
          .split('\n')
          .filter((l) => /Permission denied/.test(l))
          .join('\n'),
        3,
      )}`,
    );

  if (causes.length === 0 && checks.some((c) => !c.ok)) {
    causes.push(`No known cause matched. Last lines of the app and nginx logs:\n${lastLines(appLogs, 5)}\n${lastLines(nginxLogs, 5)}`);
  }
  if (causes.length === 0 && upOutput) {
    causes.push(`compose could not start the stack. Its last lines:\n${lastLines(upOutput, 8)}`);
  }
  return [...new Set(causes)];
}

const AUTH_FAILED = /password authentication failed for user "?([^"\s]+)"?/;
/** libpq's words (psycopg 2 and 3) for a server it cannot reach. */
const UNREACHABLE =
  /could not translate host name "([^"]+)"|connection to server at "([^"]+)"[^\n]*failed|could not connect to server|Is the server running on that host|Connection refused\s+Is the server running/;

/** The database: migrate failed, the password is wrong, or the server cannot be reached. */
function databaseCauses(config: StackConfig, evidence: Evidence): string[] {
  const { migrate } = evidence;
  const migrateFailed = migrate !== undefined && migrate.exitCode !== 0;
  const logs = `${migrate?.logs ?? ''}\n${evidence.appLogs}\n${evidence.dbLogs ?? ''}`;
  const quoted = migrateFailed
    ? `Last lines of ${SERVICES.migrate}:\n${lastLines(migrate.logs, 6)}`
    : lastLines(
        logs
          .split('\n')
          .filter((l) => AUTH_FAILED.test(l) || UNREACHABLE.test(l))
          .join('\n'),
        3,
      );
  const kind = config.database.kind;

  const auth = AUTH_FAILED.exec(logs);
  if (auth) {
    return [
      kind === 'postgres'
        ? `The database refused the password for user "${auth[1]}": ${POSTGRES_PASSWORD_VARIABLE} in .env is not the one the ${config.database.volume} volume was created with (PostgreSQL reads it only when it initialises an empty volume). ` +
          `Put the original back in .env, or set the new one inside the database (\`${config.composeCommand} exec ${SERVICES.db} psql -U ${config.database.user} -d ${config.database.name} -c "ALTER USER ${config.database.user} PASSWORD '…'"\`). ${quoted}`
        : `The database refused the password for user "${auth[1]}": the password in ${DATABASE_URL_VARIABLE} (.env) is wrong. ${quoted}`,
    ];
  }
  const unreachable = UNREACHABLE.exec(logs);
  if (unreachable) {
    const host = unreachable[1] ?? unreachable[2];
    // psycopg 3 resolves the name itself, so libpq reports the address: ::1 for localhost.
    const loopback = host !== undefined && (host === 'localhost' || host === '::1' || host.startsWith('127.'));
    return [
      kind === 'external'
        ? loopback
          ? `The database server ${host} cannot be reached from the stack's containers: ${DATABASE_URL_VARIABLE} in .env names localhost, which inside a container is the container itself. Use an address of the database server that the containers can reach (its host name or IP on the network). ${quoted}`
          : `The database server${host ? ` ${host}` : ''} cannot be reached from the stack's containers: ${DATABASE_URL_VARIABLE} in .env must name a host and port the containers can reach (not localhost, which is the container itself), with the server listening there. ${quoted}`
        : `The database server${host ? ` ${host}` : ''} cannot be reached: the ${SERVICES.db} service is not running or not healthy (\`${config.composeCommand} logs ${SERVICES.db}\`), or the settings point at another host. ${quoted}`,
    ];
  }
  if (/unable to open database file/.test(logs) && config.database.kind === 'sqlite') {
    return [`SQLite cannot open ${config.database.file}: the ${config.database.volume} volume is not writable by the app user (a volume created by an older image keeps its old owner). ${quoted}`];
  }
  if (migrateFailed) {
    return [`The migrations failed (${SERVICES.migrate} exited with ${migrate.exitCode}), so the app never started. Fix the migration named below, then run the check again. ${quoted}`];
  }
  return [];
}
