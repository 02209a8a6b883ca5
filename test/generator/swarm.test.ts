import fs from 'node:fs';
import path from 'node:path';
import helpers from 'yeoman-test';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import AppGenerator from '../../generators/app/index.js';
import { GENERATED_FILES } from '../../lib/config/names.js';
import * as databases from '../fixtures/databases.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const storedAnswers = (dir: string) => Object.values(JSON.parse(read(dir, '.yo-rc.json')) as Record<string, { manifest: { answers: Record<string, unknown> } }>)[0]!.manifest.answers;
const SWARM_FILES = [GENERATED_FILES.stack, GENERATED_FILES.swarmScript, GENERATED_FILES.releaseDockerfile, GENERATED_FILES.nginxFrontConf, GENERATED_FILES.nginxStaticConf];
const postgresProject = () => fixtures.writeProject(databases.postgresPackage('psycopg'));

describe('yo django-static --target swarm', () => {
  it('writes stack.yaml, an executable swarm.sh and the release files beside the compose stack, and stores the answers', async () => {
    const dir = postgresProject();
    await generate(dir, { projectName: 'shop', target: 'swarm' });
    for (const file of [...SWARM_FILES, GENERATED_FILES.compose]) expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    expect(fs.statSync(path.join(dir, GENERATED_FILES.swarmScript)).mode & 0o777).toBe(0o755);
    const stack = parse(read(dir, GENERATED_FILES.stack), { version: '1.1' }) as { services: Record<string, Record<string, any>> };
    expect(Object.keys(stack.services).sort()).toEqual(['app', 'db', 'migrate', 'nginx', 'static']);
    expect(stack.services.app!.image).toMatch(/^127\.0\.0\.1:5000\/shop\/app:\$\{TAG:\?/);
    expect(stack.services.app!.deploy).toMatchObject({ replicas: 2, endpoint_mode: 'dnsrr', update_config: { order: 'start-first', failure_action: 'rollback' } });
    // Secrets are files, owned by the app's user, and nothing secret is in the environment.
    expect(stack.services.app!.environment).toMatchObject({ DJANGO_SECRET_KEY_FILE: '/run/secrets/django_secret_key', POSTGRES_PASSWORD_FILE: '/run/secrets/postgres_password' });
    expect(JSON.stringify(stack.services.app!.environment)).not.toMatch(/DJANGO_SECRET_KEY"|POSTGRES_PASSWORD"/);
    expect(stack.services.app!.secrets[0]).toEqual({ source: 'shop_django_secret_key', target: 'django_secret_key', uid: '10001', gid: '10001', mode: 0o400 });
    expect(stack.services.migrate!.deploy.mode).toBe('replicated-job');
    expect(stack.services.nginx!.ports).toEqual([{ target: 80, published: 8080, protocol: 'tcp', mode: 'host' }]);
    expect(storedAnswers(dir)).toMatchObject({ target: 'swarm', replicas: 2, imageRepository: '127.0.0.1:5000/shop', swarmPorts: 'host' });
  });

  it('on a fresh startproject (SQLite settings), PostgreSQL is the default database: --target swarm --yes is enough', async () => {
    const dir = fixtures.writeProject({ ...fixtures.startproject(), 'requirements.txt': 'Django>=4.2\npsycopg[binary]>=3.1\n' });
    await generate(dir, { target: 'swarm' });
    expect(storedAnswers(dir)).toMatchObject({ target: 'swarm', database: 'postgres' });
    expect(Object.keys((parse(read(dir, GENERATED_FILES.stack), { version: '1.1' }) as { services: object }).services)).toContain('db');
  });

  it('refuses, in one line and writing nothing: SQLite, no PostgreSQL driver, HTTPS, impossible replicas, a repository with a tag', async () => {
    for (const [project, options, reason] of [
      [fixtures.startproject, { database: 'sqlite' }, /--database: --target swarm needs --database postgres or external: a SQLite file lives in one node's volume, which replicas cannot share/],
      [fixtures.startproject, {}, /--database postgres needs a PostgreSQL driver, and requirements\.txt has none.*\(PostgreSQL is the default with --target swarm/],
      [() => databases.postgresPackage('psycopg'), { tls: 'files', serverNames: 'example.test', tlsCert: 'a.pem', tlsKey: 'a.key' }, /--target swarm does not support --tls files yet/],
      [() => databases.postgresPackage('psycopg'), { replicas: '0' }, /--replicas: replicas "0" must be a whole number from 1 to 64/],
      [() => databases.postgresPackage('psycopg'), { imageRepository: 'registry.example/shop:v1' }, /--image-repository: "registry\.example\/shop:v1" is not an image repository/],
      [() => databases.postgresPackage('psycopg'), { swarmPorts: 'mesh' }, /--swarm-ports: "mesh" is not one of host, ingress/],
    ] as const) {
      const dir = fixtures.writeProject(project());
      await expect(generate(dir, { target: 'swarm', ...options }), JSON.stringify(options)).rejects.toThrow(reason);
      expect(fs.existsSync(path.join(dir, GENERATED_FILES.compose))).toBe(false);
      expect(fs.existsSync(path.join(dir, GENERATED_FILES.stack))).toBe(false);
    }
  });

  it('switching target keeps every other answer, and the Swarm answers survive a switch back to compose', async () => {
    const dir = postgresProject();
    await generate(dir, { projectName: 'shop', port: '8123', workers: '3' });
    expect(fs.existsSync(path.join(dir, GENERATED_FILES.stack))).toBe(false);
    const compose = read(dir, GENERATED_FILES.compose);
    await generate(dir, { target: 'swarm', replicas: '4' });
    expect(read(dir, GENERATED_FILES.compose)).toBe(compose); // the same answers, the same compose.yaml
    expect(storedAnswers(dir)).toMatchObject({ projectName: 'shop', port: 8123, workers: '3', target: 'swarm', replicas: 4 });
    expect(read(dir, GENERATED_FILES.stack)).toContain('published: 8123');
    await generate(dir, { target: 'compose' });
    expect(storedAnswers(dir)).toMatchObject({ port: 8123, target: 'compose', replicas: 4, imageRepository: '127.0.0.1:5000/shop' });
    await generate(dir, { target: 'swarm' });
    expect(storedAnswers(dir)).toMatchObject({ target: 'swarm', replicas: 4 });
  });

  it('asks for the target, and for replicas, repository and ports only when it is swarm', async () => {
    const messages: string[] = [];
    const dir = postgresProject();
    await helpers
      .run(AppGenerator as never, { namespace: 'django-static:app' }, { force: false } as never)
      .cd(dir)
      .withOptions({ skipHealthCheck: true, force: false } as never)
      .withAnswers(
        {},
        {
          callback: (value, { question }) => {
            const message = String(question.message);
            messages.push(message);
            if (message.startsWith('Deploy target')) return 'swarm';
            if (message.startsWith('App replicas')) return '3';
            return value;
          },
        },
      );
    expect(messages.filter((message) => /Deploy target|App replicas|Image repository|published port in Swarm/.test(message))).toHaveLength(4);
    expect(storedAnswers(dir)).toMatchObject({ target: 'swarm', replicas: 3 });
  });
});
