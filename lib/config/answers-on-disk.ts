/**
 * The answers checked against the project on disk: the modules and folders they name must
 * exist. Kept apart from buildStackConfig, which derives the stack without reading the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Answers } from './questions.js';
import { moduleFile } from '../detect/settings.js';

export interface AnswerProblem {
  field: string;
  message: string;
}

/**
 * Each answer given is checked on its own: one missing (an application not detected under
 * --yes) is reported as missing elsewhere, and does not hide a problem with the others.
 */
export function answersOnDisk(root: string, answers: Partial<Answers>): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const gunicorn = (answers.appServer ?? 'gunicorn') === 'gunicorn';
  const served = gunicorn ? answers.wsgiApplication : answers.asgiApplication;
  for (const [field, module] of [
    ['settings-module', answers.settingsModule],
    [gunicorn ? 'wsgi-application' : 'asgi-application', served?.replace(/[.:]\w+$/, '')],
  ] as const) {
    if (module !== undefined && !moduleFile(root, module)) problems.push({ field, message: `${module} has no file ${module.replaceAll('.', '/')}.py in the project` });
  }
  for (const dir of answers.staticfilesDirs ?? []) {
    if (!fs.existsSync(path.join(root, dir))) problems.push({ field: 'staticfiles-dirs', message: `${dir} does not exist in the project${madeByNpm(root, dir)}` });
  }
  return problems;
}

/** Why a missing node_modules is missing (wger's settings serve files from it): the image runs no Node build. */
function madeByNpm(root: string, dir: string): string {
  const packageJson = path.posix.join(path.posix.dirname(dir), 'package.json');
  if (path.posix.basename(dir) !== 'node_modules' || !fs.existsSync(path.join(root, packageJson))) return '';
  return `: \`npm install\` makes it (from ${packageJson}), and the stack has no Node build step (docs/known-limits.md); pass --staticfiles-dirs without it, and its files are not served`;
}
