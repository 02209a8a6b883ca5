/**
 * The answers checked against the project on disk: the modules and folders they name must
 * exist. Kept apart from buildStackConfig, which derives the stack without reading the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Answers } from './questions.js';
import { moduleFile } from '../detect/settings.js';
import { servedApplication } from './stack-config.js';

export interface AnswerProblem {
  field: string;
  message: string;
}

export function answersOnDisk(root: string, answers: Answers): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const served = servedApplication(answers).replace(/[.:]\w+$/, '');
  for (const [field, module] of [
    ['settings-module', answers.settingsModule],
    [(answers.appServer ?? 'gunicorn') === 'gunicorn' ? 'wsgi-application' : 'asgi-application', served],
  ] as const) {
    if (!moduleFile(root, module)) problems.push({ field, message: `${module} has no file ${module.replaceAll('.', '/')}.py in the project` });
  }
  for (const dir of answers.staticfilesDirs) {
    if (!fs.existsSync(path.join(root, dir))) problems.push({ field: 'staticfiles-dirs', message: `${dir} does not exist in the project` });
  }
  return problems;
}
