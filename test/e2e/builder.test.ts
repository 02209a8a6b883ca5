/**
 * The multi-stage Dockerfile, for real (issue 21): a dependency with a C extension that links
 * libpq is compiled in the builder stage, imports and runs in the image that runs, the check
 * passes, and that image has no compiler, no git and no libpq headers (the builder has them:
 * the same probe fails there).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compiledExtension } from '../fixtures/compiled.js';
import { cli, stacksFrom } from './stack.js';

const project = stacksFrom(18_950);

/** Exit status 0 only when none of the build tools or libpq headers is in the image (the trixie stand-in shares its root filesystem with PostgreSQL 17, whose pg_config it therefore has). */
const NO_BUILD_TOOLS = 'for tool in gcc cc c++ make git; do if command -v "$tool"; then exit 1; fi; done; test ! -e /usr/include/postgresql/libpq-fe.h';

const run = (command: string, args: string[], cwd: string) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

describe('the builder stage', () => {
  it('builds a C extension that links libpq; it runs in the final image, which has no compiler, git or headers', () => {
    const name = 'e2e-builder-compiled';
    const { dir, base } = project(compiledExtension(), name);
    const generated = cli(dir, base);
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.output).toMatch(/PASS {2}least privilege/);
    expect(generated.status, generated.output).toBe(0);

    const exec = (...args: string[]) => run('docker', ['compose', '--project-name', name, 'exec', '-T', 'app', ...args], dir);
    const probe = exec('python', '-c', 'import pqprobe; print(pqprobe.libpq_version())');
    expect(probe.status, probe.output).toBe(0);
    expect(probe.output.trim()).toMatch(/^\d{5,6}$/); // PQlibVersion(): 170005 is libpq 17.5

    const tools = exec('sh', '-c', NO_BUILD_TOOLS);
    expect(tools.status, `found in the runtime image: ${tools.output}`).toBe(0);

    // The probe can fail: the builder stage (from the build cache) has all of it.
    const tag = `${name}-builder-stage:test`;
    try {
      const built = run('docker', ['build', '--quiet', '--target', 'builder', '--tag', tag, '.'], dir);
      expect(built.status, built.output).toBe(0);
      const inBuilder = run('docker', ['run', '--rm', tag, 'sh', '-c', NO_BUILD_TOOLS], dir);
      expect(inBuilder.status).toBe(1);
      expect(inBuilder.output).toContain('/usr/bin/gcc');
    } finally {
      run('docker', ['image', 'rm', '--force', tag], dir);
    }
  });
});
