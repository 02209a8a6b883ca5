/**
 * Rollback on one host (compose): the app image of the release recorded before the running one
 * becomes `latest` again, and the stack is started from the images there are (no build), so
 * the app, the workers and the one-shots all run that release; collectstatic writes its files
 * and manifest into the static volume. Then the same health check as after a deploy. No
 * volume is removed or recreated: the database and uploads are as they were.
 */
import { execa } from 'execa';
import { composeFileArgs } from '../../config/file-names.js';
import { RELEASES_FILE } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';
import { ComposeProject, findCompose } from '../../health/compose-cli.js';
import type { HealthResult } from '../../health/run.js';
import { appImage, appRepository } from '../../model/features/app.js';
import { checkStack } from '../index.js';
import { ACROSS_MIGRATIONS_FLAG, refusal, unknownMigrations } from '../../release/migrations.js';
import { readReleases, runningAppImage } from '../../release/probe.js';
import { describeRelease, runningAndPrevious } from '../../release/record.js';

export class RollbackRefused extends Error {}

export interface RollbackOptions {
  config: StackConfig;
  cwd: string;
  acrossMigrations: boolean;
  log: (line: string) => void;
  startTimeoutMs: number;
}

export async function rollbackCompose({ config, cwd, acrossMigrations, log, startTimeoutMs }: RollbackOptions): Promise<HealthResult | 'no-engine'> {
  const compose = await findCompose();
  if (!compose) return 'no-engine';
  const project = new ComposeProject(compose, cwd, config.projectName, composeFileArgs(config.files));
  const image = await runningAppImage(project);
  if (!image) throw new RollbackRefused(`no app container of ${config.projectName} here: nothing to roll back from`);
  const { running, previous } = runningAndPrevious(readReleases(cwd), image.id);
  if (!running) throw new RollbackRefused(`the running app image (${image.id.slice(0, 19)}) is not in ${RELEASES_FILE}: a release is recorded by a passing \`yo django-static:check\``);
  if (!previous) throw new RollbackRefused(`no release is recorded before the running one, ${running.tag}`);
  const unknown = unknownMigrations(running, previous);
  if (unknown.length > 0 && !acrossMigrations) throw new RollbackRefused(refusal(unknown, previous.tag, ACROSS_MIGRATIONS_FLAG));
  if (unknown.length > 0) log(`${ACROSS_MIGRATIONS_FLAG}: rolling back although ${previous.tag} does not know ${unknown.join(', ')}.`);

  const previousImage = `${appRepository(config)}:${previous.tag}`;
  const tagged = await execa('docker', ['tag', previousImage, appImage(config)], { reject: false, stdin: 'ignore' });
  if (tagged.exitCode !== 0) throw new RollbackRefused(`the image of ${previous.tag} is gone (${tagged.stderr.trim()}); it cannot be rolled back to`);
  log(`Rolling back from ${running.tag} to ${describeRelease(previous)}`);
  return checkStack({ config, cwd, down: false, log, startTimeoutMs, build: false });
}
