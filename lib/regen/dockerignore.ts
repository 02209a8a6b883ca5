/**
 * A project's own .dockerignore can be an allowlist: `*` first, then a `!` line for each file that
 * may enter the build context. Our exclusions merged into it (merge-lines.ts) keep working, but the
 * files the image needs (our scripts, the lock script, the manifests the Dockerfile copies) would
 * stay out and `docker build` would fail on a COPY. Those get `!` lines at the end of our block,
 * where they win (the last matching rule decides). Matching is Docker's own (@balena/dockerignore
 * ports its rules: no implicit `**` prefix, unlike .gitignore).
 */
import dockerignore from '@balena/dockerignore';
import { inContext } from '../config/build-context.js';
import type { StackConfig } from '../config/stack-config.js';
import type { PlannedFile } from '../render/files.js';

/**
 * The `!` lines that let `needed` (paths from the context's root) back into a context governed by
 * `merged`, the file as merged. A path our own rules (`ours`) leave out stays out: compose.yaml,
 * nginx/ and the Dockerfile never enter the image.
 */
export function reincluded(merged: string, ours: string, needed: readonly string[]): string[] {
  const byOurs = matcher(ours);
  const byMerged = matcher(merged);
  return [...new Set(needed)].filter((file) => !byOurs.ignores(file) && byMerged.ignores(file)).map((file) => `!${file}`);
}

// CommonJS (`module.exports = factory`) typed as an ES default export: imported from ESM, the module is the factory.
const ignore = dockerignore as unknown as typeof dockerignore.default;
/** Docker's reading of a .dockerignore: `ignores(path)` for a path from the context's root. */
export const matcher = (text: string) => ignore().add(text.split('\n'));

/** What the image build reads from the context: every file we write there, and the manifests the Dockerfile copies. */
export function buildInputs(config: StackConfig, planned: readonly PlannedFile[]): string[] {
  return [...planned.map((file) => inContext(config.build, file.path)), ...config.dependencies.copy];
}
