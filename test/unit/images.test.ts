import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/package-root.js';
import { LOADGEN_DOCKERFILE } from '../../bench/project.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

// Image tags live in lib/config/images.json only: the generator, the stand-in script and the
// benchmark all read it, so what the tests provision is what the generator writes.
const standinTags = (...args: string[]) =>
  execFileSync('bash', ['scripts/standin-images.sh', '--list', ...args], { cwd: packageRoot(), encoding: 'utf8' })
    .trim()
    .split('\n');

describe('image tags', () => {
  it("are provisioned for the tests exactly as the generator's defaults name them", () => {
    const { config } = renderAll(fixtures.startproject()); // no Python version in it: the default image
    expect(standinTags()).toEqual(expect.arrayContaining([config.pythonImage, config.nginxImage]));
    expect(renderAll(fixtures.startproject(), { pythonVersion: '3.11' }).config.pythonImage).toBe('python:3.11-slim');
    expect(standinTags()).toContain('python:3.11-slim');
    const { tls } = renderAll(fixtures.startproject(), { tls: 'acme', serverNames: ['example.test'], acmeEmail: 'admin@example.test' }).config;
    if (tls.mode !== 'acme') throw new Error('--tls acme gave no acme config');
    expect(standinTags()).toContain(tls.image);
  });

  it('include the test-only ACME server, named as a test image', () => {
    expect(standinTags().filter((tag) => tag.includes('pebble'))).toEqual([expect.stringMatching(/^django-static-test\/pebble:/)]);
  });

  it("include the benchmark's load generator only for the benchmark", () => {
    const [from] = LOADGEN_DOCKERFILE.split('\n');
    const loadgen = from!.split(' ')[1]!;
    expect(standinTags('--bench')).toEqual([...standinTags(), loadgen]);
    expect(standinTags()).not.toContain(loadgen);
  });
});
