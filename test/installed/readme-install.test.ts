/**
 * The README's install and demo lines, exactly as written, on a fresh account: the fenced blocks
 * marked `<!-- readme-test: install -->` and `<!-- readme-test: demo -->` are taken from README.md
 * and run, in one shell, as the non-root user with a new, empty HOME (no npm prefix, no npm cache,
 * no global packages). They must end in the demo's passing health check. Only the step before the
 * block, `git clone`, is stood in for: this machine reaches no git host, so a clone of this
 * checkout's files (committed or not) is placed where the README's `cd` expects it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { packageRoot } from '../../lib/package-root.js';
import { USER, userEnv } from './user.js';

const { base, prefix } = inject('installed');
const root = packageRoot();
const CLONE_DIR = 'generator-django-static'; // what the README's `git clone … generator-django-static` makes
const DEMO_DIR = 'django-static-demo'; // the folder the README's demo line names, under HOME

/** The lines of the fenced block that follows `<!-- readme-test: NAME -->` in README.md. */
export function readmeBlock(readme: string, name: string): string {
  const marker = `<!-- readme-test: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /^\s*```[a-z]*\n([\s\S]*?)\n```/.exec(readme.slice(at + marker.length));
  if (!block) throw new Error(`README.md: no fenced block right after ${marker}`);
  return block[1]!;
}

const home = path.join(base, 'readme-home');

afterAll(() => {
  const demo = path.join(home, DEMO_DIR);
  if (fs.existsSync(path.join(demo, 'compose.yaml'))) {
    spawnSync('docker', ['compose', 'down', '--volumes', '--rmi', 'local', '--remove-orphans'], { cwd: demo, stdio: 'ignore', timeout: 180_000 });
  }
  fs.rmSync(home, { recursive: true, force: true });
});

/** A git repository of the checkout's files as they are now, owned by the user, to clone from. */
function sourceRepository(): string {
  const source = path.join(base, 'readme-source');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(root, file))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(source, file));
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=readme test', '-c', 'user.email=readme-test@localhost', ...args], { cwd: source, stdio: 'ignore' });
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--no-verify', '-m', 'the checkout as it is');
  execFileSync('chown', ['-R', `${USER}:`, source]);
  return source;
}

it("README.md's install lines, then its demo line, run literally on a fresh account, end in a passing check", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const install = readmeBlock(readme, 'install');
  const demo = readmeBlock(readme, 'demo');
  expect(install).toMatch(/npm install -g /);
  expect(demo).toMatch(/generator-django-static demo /);

  fs.mkdirSync(home);
  execFileSync('chown', [`${USER}:`, home]);
  const source = sourceRepository();
  // The user's environment, but a new HOME and only the system's PATH: nothing from an earlier install.
  const env = [...userEnv(prefix).filter((entry) => !/^(HOME|PATH)=/.test(entry)), `HOME=${home}`, 'PATH=/usr/local/bin:/usr/bin:/bin'];
  const runAsUser = (script: string, timeout: number) =>
    spawnSync('runuser', ['-u', USER, '--', 'env', '-i', ...env, 'bash', '-e', '-c', script], { cwd: home, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout });

  const cloned = runAsUser(`git clone --quiet ${JSON.stringify(source)} ${CLONE_DIR}`, 120_000);
  expect(cloned.status, cloned.stderr).toBe(0);

  // One shell, as a user types them: the install block's `export PATH` reaches the demo line.
  const result = runAsUser(`${install}\n${demo}\n`, 1_500_000);
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.error, output).toBeUndefined();
  expect(result.status, output).toBe(0);

  expect(fs.existsSync(path.join(home, '.local', 'bin', 'generator-django-static')), output).toBe(true);
  expect(fs.existsSync(path.join(home, '.local', 'bin', 'yo')), output).toBe(true);
  expect(output).toMatch(/^ {2}PASS {2}static file from nginx /m);
  expect(output).toMatch(/^ {2}PASS {2}app through nginx {14}\/: 200 /m);
  expect(output).not.toMatch(/^ {2}FAIL /m);
  const url = /^The stack keeps running: (http:\/\/127\.0\.0\.1:\d+\/) /m.exec(output)?.[1];
  expect(url, output).toBeDefined();
  const page = execFileSync('curl', ['-sS', '--max-time', '10', url!], { encoding: 'utf8' });
  expect(page).toContain('It works.');
  const stylesheet = /href="([^"]+\.css)"/.exec(page)?.[1];
  expect(stylesheet, page).toMatch(/^\/static\/demo\/site\.[0-9a-f]{12}\.css$/);
  const css = spawnSync('curl', ['-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_code}', new URL(stylesheet!, url).href], { encoding: 'utf8' });
  expect(css.stdout).toBe('200');
  console.log(
    output
      .split('\n')
      .filter((line) => !line.startsWith('  │'))
      .slice(-40)
      .join('\n'),
  );
});
