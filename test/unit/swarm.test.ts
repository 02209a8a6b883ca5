import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ENVIRONMENT, GENERATED_FILES, OPTIONAL_VARIABLES, RELEASES_FILE } from '../../lib/config/names.js';
import { swarmNextSteps, swarmNotices } from '../../lib/targets/swarm/notices.js';
import { buildStackConfig } from '../../lib/config/stack-config.js';
import { InvalidOutputError, materialize, renderStack, validateOutput } from '../../lib/stack.js';
import { swarmRuleErrors } from '../../lib/validate/swarm-rules.js';
import * as databases from '../fixtures/databases.js';
import { writeProject } from '../fixtures/projects.js';
import { renderAll, resolveForTest } from './helpers.js';
import { nginxTest } from './nginx-t.js';

const swarm = () => renderAll(databases.postgresPackage('psycopg'), { target: 'swarm', replicas: 3, imageRepository: '127.0.0.1:5000/shop', swarmPorts: 'host', media: true });
type Stack = { services: Record<string, Record<string, any>>; secrets: Record<string, unknown> };

describe('stack.yaml and the Swarm files, validated before writing', () => {
  const { config, output } = swarm();
  const stackText = output.get(GENERATED_FILES.stack)!;
  const withStack = (change: (stack: Stack) => void) => {
    const stack = parse(stackText, { version: '1.1' }) as Stack;
    change(stack);
    return (file: string) => (file === GENERATED_FILES.stack ? stringify(stack) : output.get(file));
  };

  it('the generated files pass: the compose-spec schema, Swarm rules, nginx syntax, the static service serving where the files are copied', () => {
    expect(validateOutput(config, (file) => output.get(file))).toEqual([]);
  });

  it('a stack that relies on what stack deploy ignores, or cannot do, is refused, naming the service and key', () => {
    const problems = validateOutput(
      config,
      withStack((stack) => {
        stack.services.app!.build = { context: '.' };
        stack.services.app!.depends_on = ['db'];
        stack.services.app!.security_opt = ['no-new-privileges:true'];
        stack.services.nginx!.deploy.update_config.order = 'start-first';
        stack.services.static!.image = 'shop/static:latest';
        stack.services.app!.secrets.push({ source: 'undeclared' });
      }),
    ).map((problem) => `${problem.file}: ${problem.message}`);
    expect(problems).toEqual([
      'stack.yaml: Swarm: /services/app/build: not applied by docker stack deploy (Swarm does not build: push an image and name it in image)',
      'stack.yaml: Swarm: /services/app/depends_on: not applied by docker stack deploy (Swarm has no start order: gate on health (or a job) instead)',
      'stack.yaml: Swarm: /services/app/security_opt: not applied by docker stack deploy (stack deploy drops it)',
      'stack.yaml: Swarm: /services/app/secrets: "undeclared" is not declared under the top-level secrets',
      'stack.yaml: Swarm: /services/static/image: "shop/static:latest" has no tag but latest, so a deploy cannot say which build runs; tag releases (the git revision)',
      'stack.yaml: Swarm: /services/nginx/deploy/update_config/order: start-first cannot start a new task while the old one holds its host-mode port on the node; use stop-first',
    ]);
    expect(
      new InvalidOutputError(
        validateOutput(
          config,
          withStack((stack) => (stack.services.app!.restart = 'always')),
        ),
      ).message,
    ).toMatch(/^the generated files failed validation, so nothing was written:\n {2}stack\.yaml: Swarm: \/services\/app\/restart/);
  });

  it('the schema still applies (a deploy key that does not exist), and so does dnsrr without host ports', () => {
    const problems = validateOutput(
      config,
      withStack((stack) => (stack.services.app!.deploy.replicaz = 2)),
    ).map((problem) => problem.message);
    expect(problems).toEqual([expect.stringMatching(/^compose-spec schema: \/services\/app\/deploy: must NOT have additional properties \(replicaz\)$/)]);
    expect(swarmRuleErrors({ services: { web: { image: 'web:1', ports: ['80:80'], deploy: { endpoint_mode: 'dnsrr' } } } })).toEqual([
      '/services/web/deploy/endpoint_mode: dnsrr has no virtual IP, so its ports must use mode: host (the routing mesh needs a VIP)',
    ]);
  });

  it('a static service configuration that serves another folder than the release Dockerfile fills is refused', () => {
    const read = (file: string) => (file === GENERATED_FILES.nginxStaticConf ? output.get(file)!.replace('root /srv/www;', 'root /srv/www/static;') : output.get(file));
    expect(validateOutput(config, read)).toEqual([
      { file: GENERATED_FILES.nginxStaticConf, message: 'serves /static/ from /srv/www/static/static, but docker/release.Dockerfile copies the collected files to /srv/www/static' },
    ]);
  });

  it('the front and the static service configurations pass a real `nginx -t`', async () => {
    for (const file of [GENERATED_FILES.nginxFrontConf, GENERATED_FILES.nginxStaticConf]) {
      const result = await nginxTest(output.get(file)!, `127.0.0.1:${config.gunicorn.port}`);
      expect(result.stderr, file).not.toMatch(/\[(warn|alert|emerg)\]/);
      expect(result.status, `${file}: ${result.stderr}`).toBe(0);
    }
  });
});

describe('the environment of the app and migrate', () => {
  it("names each optional variable of .env.example with no value (the deploying shell's, or none), and never a secret itself", () => {
    const { output } = swarm();
    const stack = parse(output.get(GENERATED_FILES.stack)!, { version: '1.1' }) as Stack;
    for (const service of ['app', 'migrate']) {
      const environment = stack.services[service]!.environment as Record<string, string | null>;
      for (const name of OPTIONAL_VARIABLES) {
        expect(name in environment, `${service} ${name}`).toBe(true);
        expect(environment[name], `${service} ${name}`).toBeNull();
      }
      expect(Object.keys(environment).filter((name) => ENVIRONMENT.some((variable) => variable.secret && variable.name === name))).toEqual([]);
    }
  });

  it('swarm.sh deploy exports an optional variable only when .env (or the shell) gives it a value', () => {
    const { output } = swarm();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-env-'));
    for (const file of [GENERATED_FILES.swarmScript, GENERATED_FILES.nginxFrontConf]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), output.get(file)!, { mode: 0o755 });
    }
    // The real sh runs the real script; only the docker CLI is a recorder here (the installed
    // Swarm suite deploys for real): it writes the environment \`stack deploy\` would interpolate from.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\ncase "$1 $2" in "secret inspect") exit 0 ;; "stack deploy") env > "$DEPLOY_ENV" ;; esac\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, '.env'), 'DJANGO_SECRET_KEY=x\nPOSTGRES_PASSWORD=y\nWEB_CONCURRENCY="3"\nDJANGO_DEBUG=\n# GUNICORN_LOG_LEVEL=debug\n');
    const deployEnv = path.join(dir, 'deploy.env');
    const result = spawnSync('sh', ['./swarm.sh', 'deploy'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env['PATH']}`, DEPLOY_ENV: deployEnv, TAG: 't1', FORWARDED_ALLOW_IPS: '10.0.0.0/8' },
    });
    expect(result.status, result.stderr).toBe(0);
    const exported = new Map(
      fs
        .readFileSync(deployEnv, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(exported.get('WEB_CONCURRENCY')).toBe('3');
    expect(exported.get('FORWARDED_ALLOW_IPS')).toBe('10.0.0.0/8'); // the shell's value wins over .env
    for (const unset of ['DJANGO_DEBUG', 'GUNICORN_LOG_LEVEL', 'DJANGO_ALLOWED_HOSTS', 'DJANGO_CSRF_TRUSTED_ORIGINS']) expect(exported.has(unset), unset).toBe(false);
    expect(exported.has('DJANGO_SECRET_KEY')).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('swarm.sh build: the previous static image it bridges files from', () => {
  /** The real sh runs the real script; the docker CLI records its calls and answers as `answers` says. */
  function build(answers: string) {
    const { output } = swarm();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-build-'));
    fs.writeFileSync(path.join(dir, GENERATED_FILES.swarmScript), output.get(GENERATED_FILES.swarmScript)!, { mode: 0o755 });
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\necho "$*" >> "$CALLS"\ncase "$1 $2" in\n${answers}\nesac\n`, { mode: 0o755 });
    const calls = path.join(dir, 'calls');
    const result = spawnSync('sh', ['./swarm.sh', 'build'], { cwd: dir, encoding: 'utf8', env: { PATH: `${bin}:${process.env['PATH']}`, CALLS: calls, TAG: 't2' } });
    expect(result.status, result.stderr).toBe(0);
    const builds = fs
      .readFileSync(calls, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('build -f docker/release.Dockerfile'));
    fs.rmSync(dir, { recursive: true, force: true });
    return { builds, said: result.stderr };
  }

  it('the image the static service runs (its digest dropped), pulled from the registry, for both release targets', () => {
    const { builds, said } = build(`"service inspect") echo "127.0.0.1:5000/shop/static:t1@sha256:abc" ;;\n"pull -q") exit 0 ;;`);
    expect(builds).toHaveLength(2);
    for (const line of builds) expect(line).toContain('--build-arg PREVIOUS_STATIC_IMAGE=127.0.0.1:5000/shop/static:t1 ');
    expect(said).toContain('bridging the static files of 127.0.0.1:5000/shop/static:t1 (the 2 latest releases it holds)');
  });

  it('no service: the newest other local build, used from here when the registry does not have it', () => {
    const { builds } = build(
      `"service inspect") exit 1 ;;\n"image ls") printf '127.0.0.1:5000/shop/static:t2\\n127.0.0.1:5000/shop/static:t1\\n' ;;\n"pull -q") exit 1 ;;\n"image inspect") exit 0 ;;`,
    );
    for (const line of builds) expect(line).toContain('--build-arg PREVIOUS_STATIC_IMAGE=127.0.0.1:5000/shop/static:t1 ');
  });

  it('a first release (no service, no local build) bridges nothing: the Dockerfile falls back to the bare nginx image', () => {
    const { builds, said } = build(`"service inspect") exit 1 ;;`);
    expect(builds).toHaveLength(2);
    for (const line of builds) expect(line).not.toContain('PREVIOUS_STATIC_IMAGE');
    expect(said).toContain('bridging the static files of no earlier release');
  });
});

describe('secrets as files', () => {
  it('the overlay reads each *_FILE into the environment before the settings it imports, which may read the variable themselves', () => {
    const files = databases.postgresPackage('psycopg');
    files['config/settings/production.py'] += '\nUSER_KEY = os.environ["DJANGO_SECRET_KEY"]\n';
    const { root, config, output } = renderAll(files, { target: 'swarm', replicas: 2, imageRepository: '127.0.0.1:5000/shop', swarmPorts: 'host' });
    fs.writeFileSync(path.join(root, config.overlayFile), output.get(config.overlayFile)!);
    const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    fs.writeFileSync(path.join(secrets, 'key'), 'k3y-from-a-file\n');
    fs.writeFileSync(path.join(secrets, 'password'), 'pw-from-a-file\n');
    // No Django needed: the postgres overlay and these settings are plain Python.
    const env = { PATH: process.env.PATH!, DJANGO_SECRET_KEY_FILE: path.join(secrets, 'key'), POSTGRES_PASSWORD_FILE: path.join(secrets, 'password') };
    const script = `import ${config.overlayModule} as s; print(s.SECRET_KEY, s.USER_KEY, s.DATABASES["default"]["PASSWORD"])`;
    const run = spawnSync('python3', ['-c', script], { cwd: root, env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('k3y-from-a-file k3y-from-a-file pw-from-a-file');
    // Without the file variables (compose: .env sets the variables), nothing is read from a file.
    const plain = spawnSync('python3', ['-c', script], { cwd: root, env: { PATH: process.env.PATH!, DJANGO_SECRET_KEY: 'k', POSTGRES_PASSWORD: 'p' }, encoding: 'utf8' });
    expect(plain.stdout.trim()).toBe('k k p');
  });
});

describe('what a --target swarm run says', () => {
  it('that --bind cannot be honoured and the front has a gap on its own updates; then the commands, in order', () => {
    const { config } = swarm();
    expect(swarmNotices(config, { settingsDatabase: 'postgres' })).toEqual([
      "--target swarm: nginx's port 8080 is published on every interface of each node (0.0.0.0 and ::); --bind 127.0.0.1 applies to compose.yaml only. Firewall the port if it must stay private",
      '--swarm-ports host: one front nginx per node binds the port, so a change to nginx/front.conf stops the old task before the new one starts (a gap of a few seconds); releases roll the app and static services without one',
    ]);
    // Settings on SQLite: the switch to PostgreSQL is said, with what it does not do.
    expect(swarmNotices(config, { settingsDatabase: 'sqlite' })[0]).toMatch(/^--target swarm: your settings use SQLite.*runs PostgreSQL.*Existing SQLite data is not moved/);
    expect(swarmNextSteps(config).map((line) => line.trim().split(/\s+#/)[0])).toEqual([
      expect.stringContaining('nothing was started'),
      './swarm.sh build',
      './swarm.sh push',
      './swarm.sh deploy',
      'yo django-static:check',
      expect.stringContaining('./swarm.sh up'),
    ]);
  });
});

describe('swarm.sh in a nested layout (manage.py in src/, the manifests at the repository root)', () => {
  /** The Postgres project moved into src/, requirements.txt and .git left at the root: the build context is the root. */
  function nested() {
    const files: Record<string, string> = { '.git/HEAD': 'ref: refs/heads/main\n' };
    for (const [file, content] of Object.entries(databases.postgresPackage('psycopg'))) files[file === 'requirements.txt' ? file : `src/${file}`] = content;
    const root = writeProject(files);
    const django = path.join(root, 'src');
    const { answers, facts } = resolveForTest(django, { target: 'swarm', imageRepository: '127.0.0.1:5000/shop' });
    const config = buildStackConfig(answers, facts);
    for (const [file, text] of materialize(renderStack(config))) {
      fs.mkdirSync(path.dirname(path.join(django, file)), { recursive: true });
      fs.writeFileSync(path.join(django, file), text, { mode: 0o755 });
    }
    return { root, django, config };
  }

  it("the tag's content hash covers the whole build context (the root), not only the Django folder; backups and the release log stay out", () => {
    const { root, django, config } = nested();
    expect(config.build.context).toBe('..');
    // No git: the tag is the content hash.
    const tag = () => {
      const result = spawnSync('sh', [path.join(django, GENERATED_FILES.swarmScript), 'tag'], { encoding: 'utf8', env: { ...process.env, GIT_DIR: path.join(root, 'no-such-git-dir') } });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return result.stdout.trim();
    };
    const first = tag();
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    fs.appendFileSync(path.join(root, 'requirements.txt'), 'sqlparse\n');
    const afterManifest = tag();
    expect(afterManifest).not.toBe(first);
    fs.mkdirSync(path.join(django, config.backupsDir), { recursive: true });
    fs.writeFileSync(path.join(django, config.backupsDir, 'db.dump'), 'not in the image');
    fs.writeFileSync(path.join(root, '.env'), 'SECRET=x\n');
    // The check writes the release log after a deploy: the next deploy must name the same images.
    fs.writeFileSync(path.join(django, RELEASES_FILE), '{"releases": []}\n');
    expect(tag()).toBe(afterManifest);
  });
});
