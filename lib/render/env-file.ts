/**
 * .env holds secrets and is the user's: it is created once and never overwritten. On
 * regeneration only missing keys are appended.
 */
import { randomBytes } from 'node:crypto';
import type { StackConfig } from '../config/stack-config.js';

/** 50 characters from a CSPRNG, in an alphabet that needs no quoting in .env or compose. */
export function newSecretKey(): string {
  return randomBytes(38).toString('base64url').slice(0, 50);
}

export function requiredEnv(config: StackConfig): Record<string, () => string> {
  return {
    COMPOSE_PROJECT_NAME: () => config.projectName,
    DJANGO_SECRET_KEY: newSecretKey,
  };
}

/** The whole new .env, or the existing one plus the keys it lacks (undefined: nothing to add). */
export function envFileContent(config: StackConfig, existing: string | undefined): string | undefined {
  const present = new Set((existing ?? '').split('\n').map((line) => /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/.exec(line)?.[1]).filter(Boolean));
  const missing = Object.entries(requiredEnv(config)).filter(([name]) => !present.has(name));
  if (existing !== undefined && missing.length === 0) return undefined;
  const lines = missing.map(([name, value]) => `${name}=${value()}`);
  if (existing === undefined) {
    return `# Secrets and settings for the Docker stack. Never commit this file.\n# See .env.example for every variable.\n${lines.join('\n')}\n`;
  }
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return `${existing}${separator}# added by generator-django-static\n${lines.join('\n')}\n`;
}

/** .gitignore with a line for .env, or undefined when it already ignores it. */
export function gitignoreWithEnv(existing: string | undefined): string | undefined {
  if (existing && existing.split('\n').some((line) => ['.env', '/.env', '.env*', '*.env'].includes(line.trim()))) return undefined;
  const separator = !existing || existing.endsWith('\n') ? '' : '\n';
  return `${existing ?? ''}${separator}# secrets for the Docker stack (generator-django-static)\n.env\n`;
}
