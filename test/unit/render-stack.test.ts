import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GENERATED_FILES } from '../../lib/config/names.js';
import { materialize, renderStack } from '../../lib/stack.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

describe('renderStack', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is pure: it plans every file from the config alone, touching no file system call', () => {
    const { config, root } = renderAll(fixtures.settingsPackage());
    fs.rmSync(root, { recursive: true }); // not even the project is there any more
    const calls: string[] = [];
    for (const [name, value] of Object.entries(fs)) {
      if (typeof value !== 'function' || !/^[a-z]/.test(name)) continue;
      const spy = vi.spyOn(fs as unknown as Record<string, (...args: unknown[]) => unknown>, name);
      spy.mockImplementation((...args: unknown[]) => calls.push(`${name}(${String(args[0])})`));
    }
    const plan = renderStack(config);
    vi.restoreAllMocks();
    expect(calls).toEqual([]);
    expect(plan.map((file) => file.path)).toEqual([
      GENERATED_FILES.compose,
      GENERATED_FILES.dockerfile,
      GENERATED_FILES.dockerignore,
      GENERATED_FILES.nginxConf,
      GENERATED_FILES.gunicornConf,
      GENERATED_FILES.compressStatic,
      GENERATED_FILES.staticReleases,
      GENERATED_FILES.entrypoint,
      'config/settings_docker.py',
      GENERATED_FILES.envExample,
    ]);
    // Same config, same plan: nothing depends on when or where it runs.
    expect(materialize(renderStack(config))).toEqual(materialize(plan));
  });
});
