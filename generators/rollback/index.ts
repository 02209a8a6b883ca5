/**
 * `yo django-static:rollback`: on one host (compose), back to the release recorded before the
 * running one (releases.json, written by a passing check), then the health check. On Swarm,
 * `./swarm.sh rollback` does it. The work is lib/release/rollback.ts.
 */
import '../supported-node.js'; // first: on an old Node, one line instead of Yeoman's stack trace
import Generator, { type BaseOptions } from 'yeoman-generator';
import { MANIFEST_KEY, type Manifest } from '../../lib/regen/manifest.js';
import { ACROSS_MIGRATIONS_FLAG } from '../../lib/release/migrations.js';
import { rollbackCompose } from '../../lib/targets/compose/rollback.js';
import { behaveAsCommand } from '../command-line.js';
import { storedStackConfig, timeoutSeconds } from '../stored-config.js';

export default class RollbackGenerator extends Generator<Record<string, unknown>, BaseOptions & Record<string, unknown>> {
  constructor(args: string[], options: BaseOptions & Record<string, unknown>) {
    super(args, options);
    behaveAsCommand(this as never);
    this.option(ACROSS_MIGRATIONS_FLAG.slice(2), {
      type: Boolean,
      description: 'Roll back even when the database has migrations the previous release does not know (they are named; migrate does not undo them)',
    });
    // A string, parsed below: the commander bridge gives Number options no value.
    this.option('timeout', { type: String, description: 'Seconds to wait for the previous release to become healthy', default: '600' });
  }

  async default(): Promise<void> {
    const config = storedStackConfig(this.destinationRoot(), this.config.get(MANIFEST_KEY) as Manifest | undefined, undefined);
    if (config.target === 'swarm') throw new Error(`on Swarm, roll back with \`./${config.files.swarmScript} rollback\`: it returns app, static and workers to the previous images together`);
    const result = await rollbackCompose({
      config,
      cwd: this.destinationRoot(),
      acrossMigrations: Boolean(this.options['acrossMigrations']),
      log: (line) => this.log.writeln(line),
      startTimeoutMs: timeoutSeconds(this.options['timeout']) * 1000,
    });
    if (result === 'no-engine') throw new Error('no Docker engine (or no Compose) answers, so nothing was rolled back');
    if (!result.ok) throw new Error(`rolled back, but the health check failed: ${result.summary}`);
  }
}
