import { defineConfig } from 'vitest/config';

/**
 * How many e2e files run at once: 1 (the default) unless DJANGO_STATIC_E2E_FILES says more. Their
 * ports and Compose project names are disjoint. The files are CPU-bound (image builds, Django
 * start-ups): on 2 cores two at once each ran about twice as slowly (CONTRIBUTING.md), so more
 * helps only on a machine with cores to spare.
 */
const e2eFiles = Math.max(1, Number.parseInt(process.env['DJANGO_STATIC_E2E_FILES'] ?? '1', 10) || 1);

// The default `forks` pool is kept: yeoman-test calls process.chdir, which threads cannot.
export default defineConfig({
  test: {
    projects: [
      // A bound for a test that hangs, not a speed check: on a loaded 2-core machine a correct test
      // with several generator runs took 36 s, so 30 s failed it.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/generator/**/*.test.ts', 'test/golden/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Real builds and containers: one file at a time (see e2eFiles), generous bounds.
          fileParallelism: e2eFiles > 1,
          maxWorkers: e2eFiles,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          globalSetup: ['test/e2e/global-setup.ts'],
          // Never beside the installed suite, whatever the worker count: both start stacks, and both may join and leave a swarm.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // The packed package installed with yo, run as a non-root user (needs scripts/test-env.sh).
          name: 'installed',
          include: ['test/installed/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          globalSetup: ['test/installed/global-setup.ts'],
          setupFiles: ['test/installed/ready.ts'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
