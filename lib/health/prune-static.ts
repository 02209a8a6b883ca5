/**
 * After a passing check, on one host: the static volume keeps the current release's files and
 * the --keep-releases before it, and loses older releases' hashed files (docs/static-releases.md). Only
 * here, never at collectstatic: until the new release is checked, a page of an older one may
 * still be served, and a failed release must not take the older files with it.
 */
import type { StackConfig } from '../config/stack-config.js';
import type { StackRuntime } from './runtime.js';

export async function pruneStaticReleases(config: StackConfig, stack: StackRuntime, log: (line: string) => void): Promise<void> {
  // Swarm bakes the files into its image: the build keeps the earlier releases there.
  if (!stack.runWithStaticVolume) return;
  const run = await stack.runWithStaticVolume(['python', config.files.staticReleases, 'prune', config.static.appDir, '--keep', String(config.keptReleases)]);
  const said = run.output.split('\n').find((line) => line.startsWith('static_releases:'));
  if (run.exitCode === 0) log(`Static files: ${said?.replace(/^static_releases: /, '') ?? 'pruned'}.`);
  else log(`Static files: older releases' files were not pruned (exit ${run.exitCode}); they stay until the next passing check. ${run.output.trim().split('\n').slice(-3).join(' ')}`);
}
