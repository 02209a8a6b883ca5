/**
 * The setup file of every installed test file: waits until global-setup.ts has packed and
 * installed the package (it works while the e2e files run), and fails the file with its error if
 * that failed. Top-level await: the test file is imported only once the install is there.
 */
import fs from 'node:fs';
import { inject } from 'vitest';
import { until } from '../fixtures/poll.js';
import { installState } from './user.js';

const state = installState(inject('installed').base);
await until(
  'packed and installed package (test/installed/global-setup.ts)',
  () => {
    if (fs.existsSync(state.failed)) throw new Error(`installed suite: npm pack or the install failed:\n${fs.readFileSync(state.failed, 'utf8')}`);
    return fs.existsSync(state.ready) ? true : undefined;
  },
  { timeoutMs: 900_000, intervalMs: 500 },
);
