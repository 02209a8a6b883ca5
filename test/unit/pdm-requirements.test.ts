/**
 * docker/pdm-requirements.py, run for real with python3 on pdm.lock shapes read in real locks
 * (test/corpus/pdm.md): each package's groups and inherited marker, one entry per extra of the
 * same version, editable local paths, git sources, a lock for other Pythons. Written here in
 * PDM's format, in our own words.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirementNames, runLockScript } from '../fixtures/lock-scripts.js';
import { pdmGroups, pdmLocked, pdmLockHead } from '../fixtures/manifests.js';

const run = (lock: string, ...groups: string[]) => runLockScript('pdm-requirements.py', 'pdm.lock', lock, ...groups);
const names = requirementNames;

const hashes = (name: string) => ` \\\n    --hash=sha256:${name}-wheel \\\n    --hash=sha256:${name}-sdist`;

describe('pdm-requirements.py', () => {
  const lock = pdmGroups()['pdm.lock']!;

  it('the default group, with every hash; a marker that does not hold here (win32) leaves its package out', () => {
    const result = run(lock.replace(/\n\[\[package\]\]\nname = "tools"[^]*$/, '\n'));
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`asgiref==3.8.1${hashes('asgiref')}\ndjango==5.1.4${hashes('django')}\nsqlparse==0.5.3${hashes('sqlparse')}\n`);
  });

  it('plus a chosen group: its packages, a package locked once per extra listed once, not the other groups', () => {
    const result = run(lock.replace(/\n\[\[package\]\]\nname = "tools"[^]*$/, '\n'), 'deploy');
    expect(result.stderr).toBe('');
    expect(names(result.stdout)).toEqual(['asgiref==3.8.1', 'django==5.1.4', 'gunicorn==23.0.0', 'packaging==24.2', 'psycopg==3.2.3', 'psycopg-binary==3.2.3', 'sqlparse==0.5.3']);
  });

  it('an editable local path: a file: URL from the lock folder, and no hashes (pip cannot hash a folder)', () => {
    const result = run(lock, 'dev');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`asgiref==3.8.1\ndjango==5.1.4\nsqlparse==0.5.3\ntools @ file://${path.join(result.dir, 'tools')}\n`);
  });

  it('a git source pinned to its locked revision', () => {
    const git =
      pdmLockHead(['default']) +
      `\n[[package]]\nname = "django-push"\nversion = "1.1"\nsummary = ""\ngroups = ["default"]\ngit = "https://example.org/mirror/django-push.git"\nref = "main"\nrevision = "0123456789abcdef0123456789abcdef01234567"\n`;
    expect(run(git).stdout).toBe('django-push @ git+https://example.org/mirror/django-push.git@0123456789abcdef0123456789abcdef01234567\n');
  });

  it('one name at two versions, each for its own Python: the one whose marker holds', () => {
    const two =
      pdmLockHead(['default']) +
      pdmLocked('numbers', '1.0', ['default'], 'marker = "python_version < \\"3.10\\""\n') +
      pdmLocked('numbers', '2.0', ['default'], 'marker = "python_version >= \\"3.10\\""\n');
    expect(names(run(two).stdout)).toEqual(['numbers==2.0']);
  });

  it('a group the lock does not hold: exit 1 naming those it holds', () => {
    const result = run(lock, 'prod');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('pdm-requirements: pdm.lock has no locked group prod (it has default, deploy, dev, test): lock it with `pdm lock -G prod`');
  });

  it('a lock for other Pythons (its targets) stops the build instead of dropping packages by marker', () => {
    const result = run(pdmLockHead(['default'], '\n[[metadata.targets]]\nrequires_python = "==2.7.*"\n') + pdmLocked('django', '1.11', ['default']));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^pdm-requirements: pdm\.lock was locked for Python ==2\.7\.\*, not this image's 3\.\d+\.\d+/);
  });

  it('an older lock without inherited groups and markers: says how to re-lock', () => {
    const result = run(pdmLockHead(['default']).replace('strategy = ["inherit_metadata"]', 'strategy = ["cross_platform"]') + pdmLocked('django', '5.1.4', ['default']));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('run `pdm lock --strategy inherit_metadata`');
  });
});
