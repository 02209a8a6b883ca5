/** What a --target swarm run says: what Swarm cannot honour, and the commands that deploy (the generator starts nothing). */
import type { DatabaseChoice } from '../../config/questions.js';
import type { StackConfig } from '../../config/stack-config.js';

/** Before writing: what differs from compose.yaml for the same answers (`settingsDatabase`: what the project's settings use). */
export function swarmNotices(config: StackConfig, { settingsDatabase }: { settingsDatabase: DatabaseChoice | undefined }): string[] {
  const swarm = config.swarm;
  if (!swarm) return [];
  const notes: string[] = [];
  if (settingsDatabase === 'sqlite' && config.database.kind === 'postgres') {
    notes.push(
      '--target swarm: your settings use SQLite, which replicas on several nodes cannot share, so the stack runs PostgreSQL (--database postgres; the overlay sets DATABASES). Existing SQLite data is not moved: dumpdata, then loaddata into the new database',
    );
  }
  // Swarm publishes ports without a host address: --bind applies to compose.yaml only.
  if (config.http.bind !== '0.0.0.0') {
    notes.push(
      `--target swarm: nginx's port ${config.http.port} is published on every interface of each node (0.0.0.0 and ::); --bind ${config.http.bind} applies to ${config.files.compose} only. Firewall the port if it must stay private`,
    );
  }
  if (swarm.portMode === 'host') {
    notes.push(
      `--swarm-ports host: one front nginx per node binds the port, so a change to ${config.files.nginxFrontConf} stops the old task before the new one starts (a gap of a few seconds); releases roll the app and static services without one`,
    );
  }
  return notes;
}

/** After writing: what to run, in order. */
export function swarmNextSteps(config: StackConfig): string[] {
  const swarm = config.swarm!;
  const script = `./${config.files.swarmScript}`;
  return [
    `Wrote ${config.files.stack} and ${script} for Docker Swarm; nothing was started. Next, on a swarm manager:`,
    `  ${script} build       # the app and static images, tagged with the git revision`,
    `  ${script} push        # to ${swarm.imageRepository} (a registry every node can pull from)`,
    `  ${script} deploy      # Swarm secrets from .env, then docker stack deploy -c ${config.files.stack} ${swarm.stackName}`,
    '  yo django-static:check   # waits for the services to converge, then probes the published port',
    `(${script} up does build, push and deploy; ${script} down removes the stack and keeps its volumes and secrets.)`,
  ];
}
