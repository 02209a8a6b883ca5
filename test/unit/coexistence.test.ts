/**
 * A project's own file at one of our paths: ours is named apart from it (one rule, one place),
 * a file we never wrote is never overwritten, and .env.example does not name their compose project.
 */
import { describe, expect, it } from 'vitest';
import { stackFiles } from '../../lib/config/file-names.js';
import { besideName, BESIDE_PROJECT_FILES, GENERATED_FILES } from '../../lib/config/names.js';
import { buildStackConfig } from '../../lib/config/stack-config.js';
import { detectProject } from '../../lib/detect/project.js';
import { hashContent, regenerationAction } from '../../lib/regen/manifest.js';
import { materialize, renderStack } from '../../lib/stack.js';
import { coexistingProject } from '../fixtures/coexistence.js';
import * as fixtures from '../fixtures/projects.js';
import { defaultAnswers } from './helpers.js';

describe('our name beside a project file', () => {
  it('marks the name before its extensions, in the same folder', () => {
    expect(besideName('compose.yaml')).toBe('compose.django-static.yaml');
    expect(besideName('Dockerfile')).toBe('django-static.Dockerfile');
    expect(besideName('.env.example')).toBe('.env.django-static.example');
    expect(besideName('gunicorn.conf.py')).toBe('gunicorn.django-static.conf.py');
    expect(besideName('docker/entrypoint.sh')).toBe('docker/entrypoint.django-static.sh');
    expect(besideName('nginx/default.conf')).toBe('nginx/default.django-static.conf');
  });

  it('moves every file a project can own, never the merged ones (.env, .gitignore, .dockerignore)', () => {
    const own = new Set(['docker/entrypoint.sh', 'gunicorn.conf.py', 'nginx/default.conf', '.env', '.gitignore', '.dockerignore']);
    const files = stackFiles((file) => own.has(file));
    expect(files.entrypoint).toBe('docker/entrypoint.django-static.sh');
    expect(files.gunicornConf).toBe('gunicorn.django-static.conf.py');
    expect(files.nginxConf).toBe('nginx/default.django-static.conf');
    expect([files.env, files.gitignore, files.dockerignore]).toEqual([GENERATED_FILES.env, GENERATED_FILES.gitignore, GENERATED_FILES.dockerignore]);
    expect(files.compose).toBe(GENERATED_FILES.compose);
    expect(Object.keys(BESIDE_PROJECT_FILES)).not.toContain('env');
  });

  it('keeps a name the last generation wrote: our own earlier file is not mistaken for theirs, a moved one stays moved', () => {
    const exists = (file: string) => ['gunicorn.conf.py', 'docker/entrypoint.sh', 'docker/entrypoint.django-static.sh'].includes(file);
    const files = stackFiles(exists, ['gunicorn.conf.py', 'docker/entrypoint.django-static.sh']);
    expect(files.gunicornConf).toBe('gunicorn.conf.py');
    expect(files.entrypoint).toBe('docker/entrypoint.django-static.sh');
  });
});

describe('a file we never wrote', () => {
  const input = { onDisk: 'theirs\n', storedHash: undefined, generated: 'ours\n' };
  it('is never overwritten, with or without --force', () => {
    expect(regenerationAction({ ...input, yes: true, force: false })).toBe('beside');
    expect(regenerationAction({ ...input, yes: true, force: true })).toBe('beside');
    expect(regenerationAction({ ...input, yes: false, force: true })).toBe('beside');
    expect(regenerationAction({ ...input, yes: false, force: false })).toBe('ask');
  });

  it('an edit of a file we wrote keeps its behaviour: --force overwrites it', () => {
    const edit = { onDisk: 'ours, edited\n', storedHash: hashContent('ours, before\n'), generated: 'ours\n' };
    expect(regenerationAction({ ...edit, yes: true, force: true })).toBe('write');
    expect(regenerationAction({ ...edit, yes: true, force: false })).toBe('beside');
  });
});

describe('.env.example beside a project compose file', () => {
  const render = (files: fixtures.Files) => {
    const root = fixtures.writeProject(files);
    const config = buildStackConfig(
      defaultAnswers(root),
      detectProject(root),
      stackFiles((file) => file in files),
    );
    return { config, output: materialize(renderStack(config)) };
  };

  it('does not set COMPOSE_PROJECT_NAME: copied to .env, it would rename their stack', () => {
    const { config, output } = render(coexistingProject());
    const example = output.get(config.files.envExample)!;
    expect(example).not.toMatch(/^COMPOSE_PROJECT_NAME=/m);
    expect(example).toContain(`# This stack is named on its command line instead: docker compose -p ${config.projectName} -f compose.django-static.yaml ...`);
  });

  it('sets it otherwise', () => {
    const { config, output } = render(fixtures.startproject());
    expect(output.get(GENERATED_FILES.envExample)).toContain(`\nCOMPOSE_PROJECT_NAME=${config.projectName}\n`);
  });
});
