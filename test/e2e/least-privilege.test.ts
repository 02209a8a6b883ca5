/**
 * Least privilege, faulted on purpose on a real engine: a gunicorn worker killed by the OOM
 * killer under a small --app-memory, and a compose.yaml edited to drop read_only. Each must
 * fail with its named diagnosis. (Every passing e2e stack also asserts the least-privilege row.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import * as fixtures from '../fixtures/projects.js';
import { cli, stacksFrom } from './stack.js';

const project = stacksFrom(19_510);

describe('least-privilege faults are caught and named', () => {
  it('gunicorn killed by the OOM killer under a small --app-memory', () => {
    const { dir, base } = project(fixtures.memoryHungryApp(), 'i15-e2e-oom');
    const run = cli(dir, [...base, '--down', '--app-memory', '96m', '--workers', '1']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/gunicorn was killed by the kernel's OOM killer: the app container reached its memory limit of 96m[\s\S]*--app-memory 192m/);
  });

  it('read_only removed from compose.yaml by hand: the row fails naming the container', () => {
    const { dir, base } = project(fixtures.startproject(), 'i15-e2e-readonly');
    expect(cli(dir, [...base, '--skip-health-check']).status).toBe(0);
    const file = path.join(dir, 'compose.yaml');
    const compose = parseDocument(fs.readFileSync(file, 'utf8'));
    compose.deleteIn(['services', 'app', 'read_only']);
    fs.writeFileSync(file, compose.toString());
    const run = cli(dir, ['check', '--down']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/FAIL {2}least privilege\s+i15-e2e-readonly[-_]app[-_]1: root filesystem writable \(read_only: true missing\)/);
    expect(run.output).toMatch(/A container runs with more privilege than the stack grants: i15-e2e-readonly[-_]app[-_]1: root filesystem writable/);
    // The rest of the stack still passed: only this row names the fault.
    expect(run.output).toMatch(/PASS {2}static file from nginx/);
  });
});
