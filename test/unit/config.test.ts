import { describe, expect, it } from 'vitest';
import { answersOnDisk } from '../../lib/config/answers-on-disk.js';
import { buildStackConfig, ConfigError, overlayFor } from '../../lib/config/stack-config.js';
import * as validate from '../../lib/config/validators.js';
import { detectProject } from '../../lib/detect/project.js';
import { envFileContent, ignoresEnvFile, newSecretKey } from '../../lib/render/env-file.js';
import * as fixtures from '../fixtures/projects.js';
import { defaultAnswers } from './helpers.js';

describe('validators', () => {
  it.each([
    [validate.port(70000), /impossible/],
    [validate.port(0), /impossible/],
    [validate.urlPath('STATIC_URL', '/static/')('static/'), /start and end with "\/"/],
    [validate.urlPath('STATIC_URL', '/static/')('/'), /every URL/],
    [validate.urlPath('STATIC_URL', '/static/')('https://cdn.example.com/static/'), /full URL/],
    [validate.urlPath('STATIC_URL', '/static/')('/a/../b/'), /"\.\."/],
    // MEDIA_URL's own example, never static's.
    [validate.urlPath('MEDIA_URL', '/media/')('https://cdn.example.com/media/'), /must be a path like \/media\/$/],
    [validate.projectName('My App'), /not a valid compose project name/],
    [validate.pythonVersion('3.7'), /no supported python:3\.7-slim image/],
    [validate.bindAddress('999.1.1.1'), /not an IPv4 address/],
    [validate.serverNames(['exa mple.com']), /not a host name/],
    [validate.workers('many'), /"auto"/],
    [validate.imageReference('Python:3.12'), /not a Docker image reference/],
  ])('rejects with a one-line reason: %s', (message, pattern) => {
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it.each([
    validate.port(8080),
    validate.urlPath('STATIC_URL', '/static/')('/assets/'),
    validate.serverNames(['localhost', '.example.com']),
    validate.imageReference('registry.local:5000/team/python:3.12-slim'),
  ])('accepts good values', (message) => expect(message).toBeUndefined());
});

describe('buildStackConfig', () => {
  it('derives every path from one place', () => {
    const root = fixtures.writeProject(fixtures.settingsPackage());
    const config = buildStackConfig(defaultAnswers(root, { port: 80, serverNames: ['example.com', '.example.org'], bind: '0.0.0.0' }), detectProject(root));
    expect(config.overlayModule).toBe('config.settings_docker');
    expect(config.overlayFile).toBe('config/settings_docker.py');
    expect(config.wsgiApp).toBe('config.wsgi:application');
    expect(config.static).toEqual({ url: '/static/', volume: 'static', appDir: '/srv/django/static', nginxDir: '/srv/www/static' });
    expect(config.http.csrfTrustedOrigins).toEqual(['http://example.com', 'https://example.com', 'http://*.example.org', 'https://*.example.org']);
    expect(config.staticfilesDirs).toBeUndefined(); // same as the settings: left to them
    expect(config.http.url).toBe('http://example.com/');
  });

  it('accepts the loopback names a browser sends when only this machine can reach the port, and prints a URL that answers', () => {
    const root = fixtures.writeProject(fixtures.startproject());
    const loopback = buildStackConfig(defaultAnswers(root, { serverNames: ['example.com'] }), detectProject(root));
    expect(loopback.http.acceptedHosts).toEqual(['example.com', 'localhost', '127.0.0.1', '[::1]']);
    expect(loopback.http.allowedHosts).toEqual(loopback.http.acceptedHosts);
    expect(loopback.http.csrfTrustedOrigins).toContain('http://127.0.0.1:8080');
    expect(loopback.http.url).toBe('http://127.0.0.1:8080/');
    const everywhere = buildStackConfig(defaultAnswers(root, { serverNames: ['example.com'], bind: '0.0.0.0' }), detectProject(root));
    expect(everywhere.http.acceptedHosts).toEqual(['example.com']); // a public port accepts only the names given
  });

  it('names answers the project on disk contradicts', () => {
    const root = fixtures.writeProject(fixtures.startproject());
    // Answers the product would refuse up front, so they are set after resolving.
    const answers = { ...defaultAnswers(root), settingsModule: 'mysite.nope', wsgiApplication: 'nope.wsgi.application', staticfilesDirs: ['nowhere'] };
    expect(answersOnDisk(root, answers)).toEqual([
      { field: 'settings-module', message: 'mysite.nope has no file mysite/nope.py in the project' },
      { field: 'wsgi-application', message: 'nope.wsgi has no file nope/wsgi.py in the project' },
      { field: 'staticfiles-dirs', message: 'nowhere does not exist in the project' },
    ]);
  });

  it('a node_modules the settings serve from, beside a package.json: says npm install makes it, which the stack does not run', () => {
    const root = fixtures.writeProject({ ...fixtures.startproject(), 'frontend/package.json': '{}\n' });
    const answers = { ...defaultAnswers(root), staticfilesDirs: ['frontend/node_modules', 'node_modules'] };
    expect(answersOnDisk(root, answers)).toEqual([
      {
        field: 'staticfiles-dirs',
        message:
          'frontend/node_modules does not exist in the project: `npm install` makes it (from frontend/package.json), and the stack has no Node build step (docs/known-limits.md); pass --staticfiles-dirs without it, and its files are not served',
      },
      // No package.json beside it: nothing to say about npm.
      { field: 'staticfiles-dirs', message: 'node_modules does not exist in the project' },
    ]);
  });

  it('lists every problem with the answers at once', () => {
    const root = fixtures.writeProject(fixtures.startproject());
    const answers = { ...defaultAnswers(root), port: 70000, dependencies: 'missing.txt', workers: 'many' };
    const error = (() => {
      try {
        buildStackConfig(answers, detectProject(root));
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.field)).toEqual(['port', 'workers']);
  });

  it('places the overlay beside the settings', () => {
    expect(overlayFor('mysite.settings')).toEqual({ module: 'mysite.settings_docker', file: 'mysite/settings_docker.py' });
    expect(overlayFor('config.settings.production').module).toBe('config.settings_docker');
    expect(overlayFor('settings').module).toBe('settings_docker');
  });
});

describe('.env', () => {
  const root = fixtures.writeProject(fixtures.startproject());
  const config = buildStackConfig(defaultAnswers(root), detectProject(root));
  it('gets a fresh CSPRNG secret, and an existing file only gains missing keys', () => {
    expect(newSecretKey()).toMatch(/^[A-Za-z0-9_-]{50}$/);
    expect(newSecretKey()).not.toBe(newSecretKey());
    const created = envFileContent(config, undefined)!;
    expect(created).toMatch(/^DJANGO_SECRET_KEY=[A-Za-z0-9_-]{50}$/m);
    expect(envFileContent(config, created)).toBeUndefined();
    const kept = envFileContent(config, 'DJANGO_SECRET_KEY=mine')!;
    expect(kept.startsWith('DJANGO_SECRET_KEY=mine\n')).toBe(true);
    expect(kept).toContain('COMPOSE_PROJECT_NAME=');
    expect(kept.match(/DJANGO_SECRET_KEY/g)).toHaveLength(1);
  });
  it('fills a required key left empty (copied from .env.example) in place, touching nothing else', () => {
    const copied = '# mine\nCOMPOSE_PROJECT_NAME=keep-me\nDJANGO_SECRET_KEY=\nDJANGO_DEBUG=0\n';
    const result = envFileContent(config, copied)!;
    expect(result).toMatch(/^# mine\nCOMPOSE_PROJECT_NAME=keep-me\nDJANGO_SECRET_KEY=[A-Za-z0-9_-]{50}\nDJANGO_DEBUG=0\n$/);
  });
  it('is added to .gitignore once', () => {
    expect(ignoresEnvFile('node_modules\n')).toBe(false);
    expect(ignoresEnvFile('node_modules\n.env*\n')).toBe(true);
    expect(ignoresEnvFile(undefined)).toBe(false);
  });
});
