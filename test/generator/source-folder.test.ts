/**
 * manage.py putting a folder on sys.path (ephios: `sys.path.insert(0, <manage.py's folder>/src)`,
 * the package in src/): the modules are read from that folder, the overlay is written beside the
 * settings there, and the image puts the folder on PYTHONPATH for every process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProject } from '../../lib/detect/project.js';
import { sourceFolder } from '../fixtures/source-folder.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

describe('manage.py putting a folder on sys.path', () => {
  it.each([['sys.path.insert(0, "src")'], ['sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))'], ['sys.path.append(str(Path(__file__).resolve().parent / "src"))']])(
    '%s: the settings are read from src/',
    (insert) => {
      const facts = detectProject(fixtures.writeProject(sourceFolder(insert)));
      expect(facts.settingsFiles).toEqual(['src/mysite/settings.py']);
      expect(facts.staticUrl?.value).toBe('static/');
      expect(facts.wsgiApplication?.value).toBe('mysite.wsgi.application');
      expect(facts.sourceFolder).toEqual({ value: 'src', source: { file: 'manage.py', line: 6 } });
    },
  );

  it('a folder manage.py does not add, or one computed from a variable, is not searched', () => {
    const facts = detectProject(fixtures.writeProject(sourceFolder('sys.path.insert(0, os.path.join(SOMEWHERE, "src"))')));
    expect(facts.sourceFolder).toBeUndefined();
    expect(facts.warnings).toContainEqual(expect.stringMatching(/^settings module mysite\.settings has no file in the project/));
  });

  it('generates: the overlay beside the settings in src/, PYTHONPATH in the image', async () => {
    const dir = fixtures.writeProject(sourceFolder());
    await generate(dir);
    expect(fs.existsSync(path.join(dir, 'src/mysite/settings_docker.py'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'mysite'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/^ENV PYTHONPATH=\/app\/src$/m);
  });
});
