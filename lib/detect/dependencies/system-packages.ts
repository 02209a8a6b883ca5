/**
 * The Debian packages each stage of the Dockerfile needs for a project's Python dependencies,
 * from ONE table keyed by Python package (docs/dependencies.md prints it).
 *
 * The builder stage always has build-essential (gcc, make, libc headers) and git, so a
 * dependency this table does not know still builds when it only needs a compiler, and VCS
 * requirements (`git+https://…`, also hidden in lock files) can be fetched. The table adds the
 * headers a package compiles against (build) and the shared libraries its wheel then loads (run):
 * only `run` packages reach the image that runs. python:*-slim has Python's own headers.
 * Runtime names are Debian trixie's, the release of the python:*-slim images (libldap2, not
 * bookworm's libldap-2.5-0; libmagic1t64, not libmagic1).
 */
import type { DependencyFacts } from './manifests.js';
import { normalizeName } from './requirements.js';

/** Always in the builder: a C toolchain for any sdist, and git for VCS requirements. */
export const BUILDER_TOOLCHAIN = ['build-essential', 'git'] as const;

export interface SystemNeed {
  /** Debian packages the builder installs (headers, pkg-config), beyond BUILDER_TOOLCHAIN. */
  build: string[];
  /** Debian packages the runtime image installs (shared libraries the built wheel loads). */
  run: string[];
  /** Why, for the Dockerfile's comments: "psycopg2 is built from source and links libpq". */
  why: string;
}

/** What the dependencies hold: a name is present when it is installed or locked; extras as asked for. */
export interface Installed {
  has(name: string): boolean;
  extras(name: string): string[];
}

export interface SystemPackageRule {
  /** The Python package (PEP 503 name) the row is keyed by. */
  package: string;
  /** The row's cases as documented, e.g. "psycopg[c], psycopg-c". */
  when: string;
  need: (installed: Installed) => SystemNeed | undefined;
}

const LIBPQ_BUILD: Omit<SystemNeed, 'why'> = { build: ['libpq-dev'], run: ['libpq5'] };

/** The table. Order is the order of the docs and of the Dockerfile's comment. */
export const SYSTEM_PACKAGES: SystemPackageRule[] = [
  {
    package: 'psycopg',
    when: 'psycopg (plain); psycopg[c] or psycopg-c; psycopg[binary] or psycopg-binary',
    need: (installed) => {
      if (!installed.has('psycopg')) return undefined;
      const extras = installed.extras('psycopg');
      // psycopg[c] installs psycopg-c, built from source against libpq (pg_config, headers); [binary] wins at import when both are there.
      if (extras.includes('binary') || installed.has('psycopg-binary')) return undefined;
      if (extras.includes('c') || installed.has('psycopg-c')) return { ...LIBPQ_BUILD, why: 'psycopg[c] (psycopg-c) is built from source and links libpq' };
      return { build: [], run: ['libpq5'], why: 'psycopg (without [binary]) loads the system libpq' };
    },
  },
  {
    package: 'psycopg-c',
    when: 'psycopg-c on its own',
    need: (installed) => (installed.has('psycopg-c') && !installed.has('psycopg') ? { ...LIBPQ_BUILD, why: 'psycopg-c is built from source and links libpq' } : undefined),
  },
  {
    package: 'psycopg2',
    when: 'psycopg2 (not psycopg2-binary)',
    need: (installed) => (installed.has('psycopg2') ? { ...LIBPQ_BUILD, why: 'psycopg2 is built from source and links libpq' } : undefined),
  },
  {
    package: 'mysqlclient',
    when: 'mysqlclient',
    need: (installed) =>
      installed.has('mysqlclient')
        ? { build: ['default-libmysqlclient-dev', 'pkg-config'], run: ['libmariadb3'], why: 'mysqlclient is built from source and links the MariaDB client library' }
        : undefined,
  },
  {
    package: 'uwsgi',
    when: 'uWSGI',
    need: (installed) => (installed.has('uwsgi') ? { build: [], run: [], why: 'uWSGI compiles its server (the toolchain is enough)' } : undefined),
  },
  {
    package: 'pillow',
    when: 'Pillow (when no wheel fits, it builds from source)',
    need: (installed) =>
      installed.has('pillow')
        ? { build: ['libjpeg62-turbo-dev', 'zlib1g-dev'], run: ['libjpeg62-turbo'], why: 'Pillow, when no wheel fits, is built from source and links libjpeg and zlib' }
        : undefined,
  },
  {
    package: 'lxml',
    when: 'lxml (when no wheel fits, it builds from source)',
    need: (installed) =>
      installed.has('lxml')
        ? { build: ['libxml2-dev', 'libxslt1-dev'], run: ['libxml2', 'libxslt1.1'], why: 'lxml, when no wheel fits, is built from source and links libxml2 and libxslt' }
        : undefined,
  },
  {
    package: 'python-ldap',
    when: 'python-ldap, also through django-auth-ldap (sdist only)',
    need: (installed) =>
      installed.has('python-ldap') || installed.has('django-auth-ldap')
        ? { build: ['libldap-dev', 'libsasl2-dev'], run: ['libldap2', 'libsasl2-2'], why: 'python-ldap (also through django-auth-ldap) is built from source and links OpenLDAP and SASL' }
        : undefined,
  },
  {
    package: 'python-magic',
    when: 'python-magic',
    need: (installed) => (installed.has('python-magic') ? { build: [], run: ['libmagic1t64'], why: 'python-magic loads libmagic at run time' } : undefined),
  },
];

export interface SystemPackages {
  /** Beyond BUILDER_TOOLCHAIN, sorted. */
  build: string[];
  /** In the runtime image, sorted. */
  run: string[];
  /** The matching rows' needs, in table order: the Dockerfile comments each stage with them. */
  needs: SystemNeed[];
}

export function installedIn(dependencies: DependencyFacts): Installed {
  const runtime = (name: string) => dependencies.runtime.filter((requirement) => requirement.name === name);
  return {
    has: (name) => {
      const wanted = normalizeName(name);
      return runtime(wanted).length > 0 || dependencies.locked.some((entry) => entry.name === wanted);
    },
    extras: (name) => runtime(normalizeName(name)).flatMap((requirement) => requirement.extras ?? []),
  };
}

/** Every row that applies to these dependencies, merged. */
export function systemPackages(dependencies: DependencyFacts): SystemPackages {
  const installed = installedIn(dependencies);
  const needs = SYSTEM_PACKAGES.flatMap((rule) => rule.need(installed) ?? []);
  const merged = (pick: (need: SystemNeed) => string[]) => [...new Set(needs.flatMap(pick))].sort();
  return { build: merged((need) => need.build), run: merged((need) => need.run), needs };
}
