/**
 * Records the running release: what only the running app knows (its manifest and migrations,
 * asked with one Python command inside it), what git knows (the revision) and what the engine
 * knows (the image), appended to the release log. Compose also tags the image with the release's
 * tag, so a rollback finds it again after the next build has moved `latest`.
 */
import path from 'node:path';
import { execa } from 'execa';
import { RELEASES_FILE, SERVICES } from '../config/names.js';
import type { StackConfig } from '../config/stack-config.js';
import { appRepository } from '../model/features/app.js';
import type { StackRuntime } from '../health/runtime.js';
import { readText } from '../read-text.js';
import { writeAllOrNothing } from '../regen/atomic-write.js';
import { PROBE_PYTHON } from './python.js';
import { composeTag, describeRelease, parseMeasured, parseReleaseLog, serializeReleaseLog, withRelease, type ReleaseRecord } from './record.js';

const quiet = { reject: false, timeout: 30_000, stdin: 'ignore' } as const;

export const releasesPath = (cwd: string) => path.join(cwd, RELEASES_FILE);

export function readReleases(cwd: string): ReleaseRecord[] {
  return parseReleaseLog(readText(releasesPath(cwd)), RELEASES_FILE);
}

/** The app container's image: its id, and the name it was started from (repository:tag[@digest]). */
export async function runningAppImage(stack: StackRuntime): Promise<{ id: string; name: string } | undefined> {
  const container = await stack.containerId(SERVICES.app);
  if (!container) return undefined;
  const result = await execa('docker', ['inspect', '--format', '{{.Image}} {{.Config.Image}}', container], quiet);
  const [id, name] = result.stdout.trim().split(' ');
  return result.exitCode === 0 && id && name ? { id, name } : undefined;
}

/** The tag in repository:tag[@digest] (a registry host's port is not a tag). */
export function tagOf(imageName: string): string | undefined {
  const withoutDigest = imageName.split('@')[0]!;
  const lastPart = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
}

async function gitRevision(cwd: string): Promise<string | null> {
  const revision = await execa('git', ['rev-parse', '--short=12', 'HEAD'], { ...quiet, cwd }).catch(() => undefined);
  if (revision?.exitCode !== 0) return null;
  // The release log itself is not the code's change.
  const status = await execa('git', ['status', '--porcelain', '--', '.', `:(exclude)${RELEASES_FILE}`], { ...quiet, cwd });
  return status.stdout.trim() === '' ? revision.stdout.trim() : `${revision.stdout.trim()}-dirty`;
}

/**
 * After a passing check: adds the running release to the log unless its image is recorded
 * already, and says which release runs. Never fails the check: a release that cannot be recorded
 * is said, and only rollback needs the log.
 */
export async function recordRunningRelease(config: StackConfig, cwd: string, stack: StackRuntime, log: (line: string) => void): Promise<void> {
  try {
    const image = await runningAppImage(stack);
    if (!image) return log('Release: no running app container to record.');
    const records = readReleases(cwd);
    const known = records.find((record) => record.image === image.id);
    if (known) return log(`Release running: ${describeRelease(known)}`);
    const probe = await stack.exec(SERVICES.app, ['python', '-c', PROBE_PYTHON], { timeoutMs: 60_000 });
    if (probe.exitCode !== 0) return log(`Release not recorded: the probe in the app failed:\n${probe.output.trim()}`);
    const revision = await gitRevision(cwd);
    const tag = config.target === 'swarm' ? tagOf(image.name) : composeTag(revision, image.id);
    if (!tag) return log(`Release not recorded: the app runs ${image.name}, which has no tag.`);
    if (config.target === 'compose') {
      const tagged = await execa('docker', ['tag', image.id, `${appRepository(config)}:${tag}`], quiet);
      if (tagged.exitCode !== 0) return log(`Release not recorded: docker tag failed: ${tagged.stderr.trim()}`);
    }
    const record: ReleaseRecord = { tag, revision, time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), ...parseMeasured(probe.output), image: image.id };
    await writeAllOrNothing([{ path: releasesPath(cwd), contents: serializeReleaseLog(withRelease(records, record).records) }]);
    log(`Release recorded in ${RELEASES_FILE} and running: ${describeRelease(record)}`);
  } catch (error) {
    log(`Release not recorded: ${(error as Error).message}`);
  }
}
