import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildCompose } from '../../lib/targets/compose/render.js';
import { GENERATED_FILES } from '../../lib/config/names.js';
import { composeSchemaErrors, COMPOSE_SCHEMA_PATH } from '../../lib/validate/compose-schema.js';
import { dockerfileErrors } from '../../lib/validate/dockerfile.js';
import { fileLocations, findAll, parseNginx } from '../../lib/validate/nginx-conf.js';
import { validateOutput } from '../../lib/stack.js';
import { hashContent } from '../../lib/regen/manifest.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';
import { nginxTest } from './nginx-t.js';

type Service = { depends_on?: Record<string, { condition: string }>; volumes?: string[]; ports?: string[]; build?: unknown; image: string };

describe('compose.yaml', () => {
  const { config, output } = renderAll(fixtures.assetsAndMedia(), { media: true, mediaUrl: '/uploads/' });
  const compose = parse(output.get(GENERATED_FILES.compose)!) as { version?: string; services: Record<string, Service>; volumes: Record<string, unknown> };

  it('orders collectstatic -> app (healthy) -> nginx and has no version key', () => {
    expect(compose.version).toBeUndefined();
    expect(compose.services.app!.depends_on).toEqual({
      collectstatic: { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(compose.services.nginx!.depends_on).toEqual({ app: { condition: 'service_healthy' } });
    expect(compose.services.collectstatic!.image).toBe(compose.services.app!.image);
  });

  it('mounts the static volume rw only for collectstatic, and publishes only nginx', () => {
    expect(compose.services.collectstatic!.volumes).toEqual(['static:/srv/django/static']);
    expect(compose.services.app!.volumes).toEqual(['static:/srv/django/static:ro', 'media:/srv/django/media', 'data:/srv/django/data']);
    expect(compose.services.nginx!.volumes).toContain('static:/srv/www/assets:ro');
    expect(compose.services.nginx!.volumes).toContain('media:/srv/www/uploads:ro');
    expect(compose.services.nginx!.ports).toEqual(['127.0.0.1:8080:80']);
    expect(compose.services.app!.ports).toBeUndefined();
    expect(Object.keys(compose.volumes)).toEqual(['static', 'media', 'data']);
    expect(config.static.nginxDir).toBe('/srv/www/assets');
  });

  it('quotes restart "no" so YAML 1.1 (docker-compose 1.x) reads a string', () => {
    expect(output.get(GENERATED_FILES.compose)).toContain('restart: "no"');
  });

  it('passes the vendored compose-spec schema, which rejects a broken file', () => {
    expect(hashContent(fs.readFileSync(COMPOSE_SCHEMA_PATH))).toBe('0c3df943a2fbf4e543fb32de7974c96467efd70a8eda903c7250f6a4f094904f');
    expect(composeSchemaErrors(buildCompose(config))).toEqual([]);
    const broken = structuredClone(buildCompose(config)) as { services: Record<string, Record<string, unknown>> };
    broken.services.nginx!.ports = 'not-a-list';
    broken.services.app!.depends_on = { collectstatic: { condition: 'when_it_feels_like_it' } };
    broken.services.app!.healthcheck_typo = true;
    const errors = composeSchemaErrors(broken);
    expect(errors.join('\n')).toMatch(/\/services\/nginx\/ports/);
    expect(errors.join('\n')).toMatch(/\/services\/app\/depends_on\/collectstatic\/condition/);
    expect(errors.join('\n')).toMatch(/healthcheck_typo/);
  });
});

describe('nginx config', () => {
  const { output, config } = renderAll(fixtures.settingsPackage());
  const conf = output.get(GENERATED_FILES.nginxConf)!;

  it('serves STATIC_URL with root over the volume mount, no alias, no autoindex', () => {
    const location = fileLocations(conf).find((l) => l.prefix === '/static/')!;
    expect(location).toMatchObject({ via: 'root', directory: config.static.nginxDir, problems: [] });
    expect(findAll(parseNginx(conf), 'alias')).toEqual([]);
    expect(conf).not.toMatch(/autoindex on/);
    expect(conf).toContain('server_tokens off');
    expect(conf).toContain('proxy_set_header X-Forwarded-Proto $scheme');
    expect(conf).toContain('proxy_set_header Host $http_host');
  });

  it('is accepted by a real `nginx -t`, run as any user', async () => {
    const directives = parseNginx(conf);
    expect(findAll(directives, 'listen').map((listen) => listen.args[0])).toEqual(['80', '80']);
    // The app is resolved at run time through Docker's DNS, so a recreated app needs no nginx restart.
    expect(findAll(directives, 'resolver').map((resolver) => resolver.args)).toEqual([['127.0.0.11', 'valid=2s', 'ipv6=off']]);
    expect(findAll(directives, 'set').map((set) => set.args)).toEqual([['$app_upstream', `http://app:${config.gunicorn.port}`]]);
    expect(findAll(directives, 'proxy_pass').map((pass) => pass.args)).toEqual([['$app_upstream']]);
    const result = await nginxTest(conf, `127.0.0.1:${config.gunicorn.port}`);
    expect(result.stderr).toContain('test is successful');
    expect(result.stderr).not.toMatch(/\[(warn|alert|emerg)\]/);
    expect(result.status, result.stderr).toBe(0);
  });

  it('fails validation for an off-by-slash alias, autoindex, or a root that misses the mount', () => {
    const read = (replacement: [string | RegExp, string]) => (file: string) => (file === GENERATED_FILES.nginxConf ? conf.replace(...replacement) : output.get(file));
    const alias = validateOutput(config, read([/location \/static\/ \{\n(\s+)root \/srv\/www;/, 'location /static {\n$1alias /srv/www/static/;']));
    expect(alias).toContainEqual({ file: GENERATED_FILES.nginxConf, message: expect.stringMatching(/"location \/static" with "alias \/srv\/www\/static\/" allows path traversal/) });
    // Neither edge ends with "/": "/static_backup/x" reads a sibling folder (doctor's alias-traversal, sibling-prefix).
    const sibling = validateOutput(config, read([/location \/static\/ \{\n(\s+)root \/srv\/www;/, 'location /static {\n$1alias /srv/www/static;']));
    expect(sibling).toContainEqual({ file: GENERATED_FILES.nginxConf, message: expect.stringMatching(/"location \/static" with "alias \/srv\/www\/static" allows path traversal/) });
    const autoindex = validateOutput(config, read(['autoindex off;', 'autoindex on;']));
    expect(autoindex.map((p) => p.message).join('\n')).toMatch(/autoindex on/);
    // A hand edit nginx would refuse is a problem with its line, not a crash.
    const broken = validateOutput(config, read(['gzip_static on;', 'gzip_static on; }']));
    expect(broken).toContainEqual({ file: GENERATED_FILES.nginxConf, message: expect.stringMatching(/^line \d+: unexpected "\}"$/) });
    const root = validateOutput(config, read(['root /srv/www;', 'root /srv/www/static;']));
    expect(root).toEqual([
      { file: GENERATED_FILES.nginxConf, message: expect.stringMatching(/reads files from \/srv\/www\/static\/static, but the static volume is mounted in nginx at \/srv\/www\/static/) },
    ]);
  });
});

describe('the whole output', () => {
  for (const [name, files] of Object.entries({ startproject: fixtures.startproject(), settingsPackage: fixtures.settingsPackage(), assetsAndMedia: fixtures.assetsAndMedia() })) {
    it(`${name}: passes validation; Dockerfile and Python files parse`, () => {
      const { config, output } = renderAll(files, name === 'assetsAndMedia' ? { media: true, mediaUrl: '/uploads/' } : {});
      expect(validateOutput(config, (file) => output.get(file))).toEqual([]);
      expect(dockerfileErrors(output.get(GENERATED_FILES.dockerfile)!)).toEqual([]);
      for (const [file, content] of output) {
        if (!file.endsWith('.py')) continue;
        execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read(), sys.argv[1])', file], { input: content });
      }
    });
  }

  it('a settings change to STATIC_ROOT in the overlay breaks the invariant', () => {
    const { config, output } = renderAll(fixtures.startproject());
    const overlay = output.get(config.overlayFile)!.replace('STATIC_ROOT = "/srv/django/static"', 'STATIC_ROOT = "/app/staticfiles"');
    const problems = validateOutput(config, (file) => (file === config.overlayFile ? overlay : output.get(file)));
    expect(problems).toContainEqual({ file: 'mysite/settings_docker.py', message: expect.stringMatching(/STATIC_ROOT is \/app\/staticfiles/) });
  });

  it('reads compose mounts as Docker does: a trailing slash names the same folder, another folder breaks the invariant', () => {
    const { config, output } = renderAll(fixtures.startproject());
    const compose = (from: string, to: string) => output.get(config.files.compose)!.replaceAll(from, to);
    const withCompose = (text: string) => validateOutput(config, (file) => (file === config.files.compose ? text : output.get(file)));
    expect(withCompose(compose('- static:/srv/django/static', '- static:/srv/django/static/'))).toEqual([]);
    expect(withCompose(compose('- static:/srv/django/static', '- static:/srv/django/other'))).toContainEqual({
      file: config.files.compose,
      message: expect.stringMatching(/mounts the static volume at \/srv\/django\/other, but STATIC_ROOT is/),
    });
  });

  it('the Dockerfile installs with each dependency manager and creates STATIC_ROOT before the volume', () => {
    const pip = renderAll(fixtures.settingsPackage()).output.get(GENERATED_FILES.dockerfile)!;
    expect(pip).toContain('COPY requirements/production.txt ./requirements/production.txt');
    expect(pip).toContain('COPY requirements/base.txt ./requirements/base.txt');
    expect(pip.indexOf('chown app:app /srv/django/static')).toBeLessThan(pip.indexOf('USER app'));
    expect(pip.indexOf('pip wheel --wheel-dir /wheels -r requirements/production.txt')).toBeLessThan(pip.indexOf('COPY . .'));
    expect(renderAll(fixtures.uvProject()).output.get(GENERATED_FILES.dockerfile)).toContain('RUN python /tmp/uv-requirements.py uv.lock > /tmp/requirements.txt');
    expect(renderAll(fixtures.poetryProject()).output.get(GENERATED_FILES.dockerfile)).toContain('poetry export --only main');
    expect(renderAll(fixtures.poetryProject()).output.get(GENERATED_FILES.dockerfile)).toContain('RUN pip install gunicorn');
  });

  it('rendering is deterministic', () => {
    const a = renderAll(fixtures.settingsPackage(), { projectName: 'same' }).output;
    const b = renderAll(fixtures.settingsPackage(), { projectName: 'same' }).output;
    expect(stringify([...a])).toBe(stringify([...b]));
  });
});
