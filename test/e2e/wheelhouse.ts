/**
 * The stand-in python image's wheelhouse, for lock files that name its own wheels (their hashes
 * computed now), and what the app container of a stack has installed: the lock-file e2e tests
 * (uv-groups, uv-extras, pdm-groups) share them.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import IMAGES from '../../lib/config/images.json' with { type: 'json' };

const PYTHON_IMAGE = IMAGES.python.replace('{version}', '3.12');
const WHEELHOUSE = '/usr/local/share/standin-wheels';

export type Wheels = Map<string, { version: string; file: string; sha256: string }>;

/** name → { version, file, sha256 } of the wheels the stand-in image offers. */
export function wheelhouse(): Wheels {
  const listed = spawnSync('docker', ['run', '--rm', '--entrypoint', 'sh', PYTHON_IMAGE, '-c', `cd ${WHEELHOUSE} && sha256sum *.whl`], { encoding: 'utf8', timeout: 120_000 });
  expect(listed.status, listed.stderr).toBe(0);
  const wheels: Wheels = new Map();
  for (const line of listed.stdout.trim().split('\n')) {
    const [sha256, file] = line.split(/\s+/) as [string, string];
    const [name, version] = file.split('-') as [string, string];
    wheels.set(name.toLowerCase().replace(/[_.]+/g, '-'), { version, file, sha256 });
  }
  return wheels;
}

/** A uv.lock [[package]] entry for a stand-in wheel, with its real hash; `edges`: its dependencies as uv writes them (`{ name = "x" }`). */
export function uvLockedWheel(wheels: Wheels, name: string, edges: string[] = []): string {
  const wheel = wheels.get(name);
  if (!wheel) throw new Error(`the stand-in wheelhouse has no ${name}`);
  const dependencies = edges.length ? `dependencies = [${edges.join(', ')}]\n` : '';
  return `\n[[package]]\nname = "${name}"\nversion = "${wheel.version}"\nsource = { registry = "https://pypi.org/simple" }\n${dependencies}wheels = [\n    { url = "https://files.example/${wheel.file}", hash = "sha256:${wheel.sha256}", size = 1 },\n]\n`;
}

/** Whether the app container finds each module, as "True False …". */
export function findsModules(dir: string, project: string, ...modules: string[]): string {
  const script = `import importlib.util as u; print(${modules.map((module) => `bool(u.find_spec(${JSON.stringify(module)}))`).join(', ')})`;
  const found = spawnSync('docker', ['compose', '--project-name', project, 'exec', '-T', 'app', 'python', '-c', script], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return `${found.stdout}${found.stderr}`.trim();
}
