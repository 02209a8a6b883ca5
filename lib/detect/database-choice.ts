/**
 * Which database the stack should give a project, and why, when its settings do not say it
 * plainly. Never SQLite without a word: when the engine cannot be read, what the project
 * installs and imports decides (a PostgreSQL driver, django.contrib.postgres, PostgreSQL-only
 * model fields), and indications that disagree stop the run with everything that was found.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { isRuntimeDependency } from './dependencies/packages.js';
import type { DependencyFacts } from './dependencies/manifests.js';
import { isLocalHost, type DatabaseFacts } from './database.js';
import { where, type Found } from './found.js';
import { childrenOf, PythonSource } from './python/tree.js';
import { projectFiles } from './project-files.js';

export type DatabaseKind = 'sqlite' | 'postgres' | 'external';

export type DatabaseDecision = { choice: DatabaseKind; /** Said in the run's output when the settings did not name the engine plainly. */ why?: string } | { conflict: string };

/** What points at a database besides DATABASES itself. */
export interface DatabaseIndications {
  postgres: Found<string>[];
  mysql: Found<string>[];
}

const MYSQL_DRIVERS = ['mysqlclient', 'pymysql', 'mysql-connector-python'];

export function databaseIndications(input: {
  root: string;
  dependencies?: DependencyFacts;
  postgresDriver?: Found<{ module: string }>;
  contribPostgres?: Found<boolean>;
  database?: Found<DatabaseFacts>;
}): DatabaseIndications {
  const postgres: Found<string>[] = [];
  const mysql: Found<string>[] = [];
  if (input.postgresDriver) postgres.push({ value: `the PostgreSQL driver ${input.postgresDriver.value.module}`, source: input.postgresDriver.source });
  if (input.contribPostgres?.value) postgres.push({ value: 'django.contrib.postgres in INSTALLED_APPS', source: input.contribPostgres.source });
  postgres.push(...postgresModelFields(input.root));
  for (const name of MYSQL_DRIVERS) {
    if (input.dependencies && isRuntimeDependency(input.dependencies, name)) mysql.push({ value: `the MySQL driver ${name}`, source: { file: input.dependencies.file } });
  }
  for (const branch of input.database?.value.branches ?? []) {
    const found = { value: `a ${branch.engine === 'postgresql' ? 'PostgreSQL' : 'MySQL'} DATABASES when ${branch.when}`, source: { file: branch.file, line: branch.line } };
    if (branch.engine === 'postgresql') postgres.push(found);
    // A MySQL branch counts only with a MySQL driver to run it.
    if (branch.engine === 'mysql' && mysql.length > 0) mysql.push(found);
  }
  return { postgres, mysql };
}

/**
 * The settings' own database where they say it (PostgreSQL -> a PostgreSQL service, a URL
 * from the environment -> external, SQLite -> SQLite); otherwise what the indications say.
 */
export function decideDatabase(database: DatabaseFacts | undefined, indications: DatabaseIndications): DatabaseDecision {
  const list = (found: Found<string>[]) => found.map((item) => `${item.value} [${where(item)}]`).join(', ');
  if (database && database.engine !== 'unknown') {
    if (database.form === 'url' && database.variable) {
      // A PostgreSQL URL on this machine is a developer's default: the stack gives it its own PostgreSQL.
      if (database.engine === 'postgresql' && isLocalHost(database.host)) {
        return {
          choice: 'postgres',
          why: `the settings' default database URL is PostgreSQL on ${database.host ?? 'this machine'}, so the stack runs its own PostgreSQL (--database external keeps $${database.variable})`,
        };
      }
      return { choice: 'external' };
    }
    if (database.engine === 'postgresql') return { choice: 'postgres' };
    if (database.engine === 'sqlite') return { choice: 'sqlite' };
    return { choice: 'external', why: `the settings use ${database.engine === 'mysql' ? 'MySQL' : 'a database'} this stack does not run: give its URL as DATABASE_URL in .env` };
  }
  if (database?.form === 'url' && database.variable) return { choice: 'external' };
  const { postgres, mysql } = indications;
  const unread = database ? "the settings' database engine is not read" : 'the settings set no DATABASES that could be read';
  if (postgres.length > 0 && mysql.length > 0) {
    return {
      conflict: `${unread}, and the project points at more than one database: PostgreSQL (${list(postgres)}) and MySQL (${list(mysql)}); choose with --database postgres, external (DATABASE_URL) or sqlite`,
    };
  }
  if (postgres.length > 0) return { choice: 'postgres', why: `${unread}; PostgreSQL is indicated by ${list(postgres)}` };
  if (mysql.length > 0) return { choice: 'external', why: `${unread}; MySQL is indicated by ${list(mysql)}, which this stack does not run: give its URL as DATABASE_URL in .env` };
  return { choice: 'sqlite', why: `${unread}, and nothing indicates PostgreSQL or MySQL: SQLite in a volume (--database postgres or external to choose otherwise)` };
}

/** How deep models are looked for: apps nest in apps/<name>/models/. */
const MAX_DEPTH = 5;

/** Imports of django.contrib.postgres in models (ArrayField, HStoreField, SearchVectorField, ...), each with its line. */
export function postgresModelFields(root: string): Found<string>[] {
  return projectFiles(root, MAX_DEPTH)
    .filter((file) => file.name === 'models.py' || (file.folders.includes('models') && file.name.endsWith('.py')))
    .flatMap((file) => postgresImports(root, file.relative));
}

function postgresImports(root: string, file: string): Found<string>[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  if (!text.includes('django.contrib.postgres')) return []; // most models never name it: no parse
  const python = new PythonSource(text);
  const found: Found<string>[] = [];
  python.iterate((node) => {
    if (node.name !== 'ImportStatement') return undefined;
    const described = describeImport(python, childrenOf(node.node));
    if (described) found.push({ value: described, source: { file, line: python.lineAt(node.from) } });
    return false;
  });
  return found;
}

/** `from django.contrib.postgres.fields import ArrayField` -> "ArrayField from django.contrib.postgres.fields". */
function describeImport(python: PythonSource, children: SyntaxNode[]): string | undefined {
  const importAt = children.findIndex((child) => child.name === 'import');
  const text = (nodes: SyntaxNode[]) => nodes.map((child) => python.textOf(child)).join('');
  if (children[0]?.name === 'from') {
    const module = text(children.slice(1, importAt));
    if (!module.startsWith('django.contrib.postgres')) return undefined;
    const names = children
      .slice(importAt + 1)
      .filter((child) => child.name === 'VariableName')
      .map((child) => python.textOf(child));
    return `${names.join(', ') || '*'} from ${module}`;
  }
  const module = text(children.slice(importAt + 1).filter((child) => child.name !== ','));
  return module.startsWith('django.contrib.postgres') ? `import ${module}` : undefined;
}
