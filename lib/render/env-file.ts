/**
 * .env holds secrets and is the user's: it is created once and never overwritten. On
 * regeneration only missing keys are appended.
 */
import { randomBytes } from 'node:crypto';
import { COMPOSE_PROJECT_VARIABLE, POSTGRES_PASSWORD_VARIABLE, SECRET_KEY_VARIABLE } from '../config/names.js';
import { envNamesProject } from '../config/file-names.js';
import { stackEnvironment, type StackConfig } from '../config/stack-config.js';
import { describeCondition, type Condition } from '../detect/evaluate.js';

/** 50 characters from a CSPRNG, in an alphabet that needs no quoting in .env or compose. */
export function newSecretKey(): string {
  return randomBytes(38).toString('base64url').slice(0, 50);
}

/** 256 bits from a CSPRNG, URL-safe: it can go into a database URL as it is. */
export function newDatabasePassword(): string {
  return randomBytes(32).toString('base64url');
}

export function requiredEnv(config: StackConfig): Record<string, () => string> {
  return {
    ...(envNamesProject(config.files) ? { [COMPOSE_PROJECT_VARIABLE]: () => config.projectName } : {}),
    [SECRET_KEY_VARIABLE]: newSecretKey,
    // Read by initdb on the db volume's first start only: changing it later does not change the database's password.
    ...(config.database.kind === 'postgres' ? { [POSTGRES_PASSWORD_VARIABLE]: newDatabasePassword } : {}),
  };
}

/** The variables a .env file sets to something (an empty value counts as unset). */
export function setVariables(envFile: string | undefined): Set<string> {
  const set = new Set<string>();
  for (const line of (envFile ?? '').split('\n')) {
    const match = ASSIGNMENT.exec(line);
    if (match && match[2]!.trim().replace(/^(["'])\1$/, '') !== '') set.add(match[1]!);
  }
  return set;
}

/**
 * Variables the settings require that .env does not set, each with where the settings read it.
 * One required on a branch counts when the branch runs with this .env (`POSTGRES_HOST` when
 * DATABASE_URL is not set); a branch on anything but a variable cannot be decided, so it does not stop the run.
 */
export function missingSettingsEnv(config: StackConfig, envFile: string | undefined): string[] {
  const set = new Set([...setVariables(envFile), ...stackEnvironment(config.database.kind === 'postgres' ? 'postgres' : config.database.kind)]);
  const runs = (when: Condition[] | undefined) => (when ?? []).every((condition) => 'variable' in condition && set.has(condition.variable) === condition.set);
  return config.settingsEnv
    .filter((read) => !set.has(read.variable) && runs(read.when))
    .map((read) => `${read.variable} (read at ${read.source}${read.when ? `, when ${describeCondition(read.when)}` : ''})`);
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=(.*)$/;

/**
 * The whole new .env, or the existing one with what it lacks (undefined: nothing to do). A
 * required key set to nothing (`DJANGO_SECRET_KEY=` copied from .env.example) is filled in
 * place; every other line stays as it is.
 */
export function envFileContent(config: StackConfig, existing: string | undefined): string | undefined {
  const required = requiredEnv(config);
  let filled = false;
  const lines = (existing ?? '').split('\n').map((line) => {
    const match = ASSIGNMENT.exec(line);
    if (!match || !(match[1]! in required) || match[2]!.trim().replace(/^(["'])\1$/, '') !== '') return line;
    filled = true;
    return `${match[1]}=${required[match[1]!]!()}`;
  });
  if (filled) existing = lines.join('\n');
  const present = new Set(lines.map((line) => ASSIGNMENT.exec(line)?.[1]).filter(Boolean));
  const missing = Object.entries(required).filter(([name]) => !present.has(name));
  if (existing !== undefined && missing.length === 0) return filled ? existing : undefined;
  const added = missing.map(([name, value]) => `${name}=${value()}`).join('\n');
  if (existing === undefined) {
    return `# Secrets and settings for the Docker stack. Never commit this file.\n# See ${config.files.envExample} for every variable.\n${added}\n`;
  }
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return `${existing}${separator}# added by generator-django-static\n${added}\n`;
}

/** Whether a .gitignore already keeps .env out of git (a line for it, or a pattern that covers it). */
export function ignoresEnvFile(gitignore: string | undefined): boolean {
  return (gitignore ?? '').split('\n').some((line) => ['.env', '/.env', '.env*', '*.env'].includes(line.trim()));
}

export function missingEnvMessage(missing: string[], envExample = '.env.example'): string {
  return (
    `your settings require environment variables that .env does not set, so Django could not start:\n${missing.map((line) => `  ${line}`).join('\n')}\n` +
    `Add them to .env (see ${envExample}), then run \`yo django-static:check\`.`
  );
}
