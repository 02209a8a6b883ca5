/**
 * The Debian packages of each Dockerfile stage come from one table keyed by Python package:
 * what the builder compiles against, what the runtime image loads. The builder always has
 * build-essential and git, so an unknown package that compiles still builds.
 */
import { describe, expect, it } from 'vitest';
import { buildStackConfig } from '../../lib/config/stack-config.js';
import { postgresDriver } from '../../lib/detect/dependencies/packages.js';
import { BUILDER_TOOLCHAIN, systemPackages } from '../../lib/detect/dependencies/system-packages.js';
import { detectProject } from '../../lib/detect/project.js';
import { materialize, renderStack } from '../../lib/stack.js';
import * as manifests from '../fixtures/manifests.js';
import { writeProject } from '../fixtures/projects.js';
import { defaultAnswers } from './helpers.js';

const facts = (requirements: string) => detectProject(writeProject(manifests.djangoWith({ 'requirements.txt': `Django>=4.2\ngunicorn\n${requirements}` })));
const packagesFor = (requirements: string) => {
  const { build, run } = systemPackages(facts(requirements).dependencyCandidates[0]!);
  return { build, run };
};

describe('the system packages table', () => {
  it('psycopg: plain loads libpq; [c] and psycopg-c build against it; [binary] brings its own', () => {
    expect(packagesFor('psycopg>=3.1')).toEqual({ build: [], run: ['libpq5'] });
    for (const line of ['psycopg[c]>=3.1', 'psycopg[c,pool]==3.2.3', 'psycopg==3.2.3\npsycopg-c==3.2.3', 'psycopg-c']) {
      expect(packagesFor(line), line).toEqual({ build: ['libpq-dev'], run: ['libpq5'] });
    }
    for (const line of ['psycopg[binary]', 'psycopg[binary,pool]', 'psycopg\npsycopg-binary', 'psycopg2-binary']) expect(packagesFor(line), line).toEqual({ build: [], run: [] });
  });

  it('psycopg2, mysqlclient, lxml and Pillow: headers in the builder, libraries at run time; uWSGI needs only the toolchain', () => {
    expect(packagesFor('psycopg2==2.9.10')).toEqual({ build: ['libpq-dev'], run: ['libpq5'] });
    expect(packagesFor('mysqlclient')).toEqual({ build: ['default-libmysqlclient-dev', 'pkg-config'], run: ['libmariadb3'] });
    expect(packagesFor('lxml')).toEqual({ build: ['libxml2-dev', 'libxslt1-dev'], run: ['libxml2', 'libxslt1.1'] });
    expect(packagesFor('Pillow')).toEqual({ build: ['libjpeg62-turbo-dev', 'zlib1g-dev'], run: ['libjpeg62-turbo'] });
    expect(packagesFor('uWSGI==2.0.28')).toEqual({ build: [], run: [] });
    expect(packagesFor('psycopg2\nmysqlclient')).toEqual({ build: ['default-libmysqlclient-dev', 'libpq-dev', 'pkg-config'], run: ['libmariadb3', 'libpq5'] });
  });

  it('python-ldap (also through django-auth-ldap) builds against OpenLDAP and SASL; python-magic loads libmagic (trixie names)', () => {
    for (const line of ['python-ldap==3.4.4', 'django-auth-ldap>=4']) expect(packagesFor(line), line).toEqual({ build: ['libldap-dev', 'libsasl2-dev'], run: ['libldap2', 'libsasl2-2'] });
    expect(packagesFor('python-magic')).toEqual({ build: [], run: ['libmagic1t64'] });
  });

  it('classes the PostgreSQL driver the same way: psycopg[c] is built from source, not "with its own libpq"', () => {
    const driver = (line: string) => postgresDriver(facts(line).dependencyCandidates[0]!);
    expect(driver('psycopg[c,pool]')).toMatchObject({ value: { module: 'psycopg', system: 'build' }, note: 'psycopg-c, built from source: needs libpq-dev and a compiler' });
    expect(driver('psycopg\npsycopg-c')?.value).toEqual({ module: 'psycopg', system: 'build' });
    expect(driver('psycopg[binary]')?.value).toEqual({ module: 'psycopg', system: 'none' });
    expect(driver('psycopg')?.value).toEqual({ module: 'psycopg', system: 'libpq' });
  });

  it('writes a builder with the toolchain and headers, and a runtime stage with only the libraries and the wheels', () => {
    const root = writeProject(manifests.djangoWith({ 'requirements.txt': 'Django>=4.2\ngunicorn\npsycopg[c]\nuWSGI\nmy-lib @ git+https://example.test/my-lib.git@v1\n' }));
    const detected = detectProject(root);
    const config = buildStackConfig({ ...defaultAnswers(root), database: 'postgres' }, detected);
    const text = materialize(renderStack(config)).get('Dockerfile')!;
    const [builder, runtime] = text.split(/^FROM /m).slice(1);
    expect(builder).toMatch(/^python:3\.12-slim AS builder/);
    expect(builder).toContain(`apt-get install -y --no-install-recommends ${[...BUILDER_TOOLCHAIN, 'libpq-dev'].join(' ')} \\`);
    expect(builder).toContain('# psycopg[c] (psycopg-c) is built from source and links libpq: libpq-dev.');
    expect(builder).toContain('# uWSGI compiles its server (the toolchain is enough).');
    expect(builder).toContain('RUN pip wheel --wheel-dir /wheels -r requirements.txt');
    expect(runtime).toContain('apt-get install -y --no-install-recommends libpq5 \\');
    expect(runtime).toContain('COPY --from=builder /wheels /wheels');
    expect(runtime).not.toMatch(/build-essential|libpq-dev|\bgit\b|gcc/);
    // The manifests are installed before the code is copied, so a code change rebuilds nothing.
    expect(builder).not.toContain('COPY . .');
    expect(runtime!.indexOf('COPY --from=builder')).toBeLessThan(runtime!.indexOf('COPY . .'));
  });
});

describe('local archives and folders in requirements', () => {
  it('are copied before the install step: path requirements, --find-links (beside its file), -e folders; never . or outside the project', () => {
    const root = writeProject(
      manifests.djangoWith({
        'requirements.txt': '-r requirements/base.txt\n./vendor/pqprobe-1.0.tar.gz\n-e ./libs/shared\n-e .\n../outside/pkg.tar.gz\n',
        'requirements/base.txt': 'Django>=4.2\n--find-links wheels\n--find-links https://example.test/wheels/\n/abs/pkg.whl\n',
        'vendor/pqprobe-1.0.tar.gz': '',
        'libs/shared/pyproject.toml': '',
        'requirements/wheels/.keep': '',
      }),
    );
    const spec = detectProject(root).dependencyCandidates[0]!;
    expect(spec.copy).toEqual(['requirements.txt', 'requirements/base.txt', 'vendor/pqprobe-1.0.tar.gz', 'libs/shared', 'requirements/wheels']);
  });
});
