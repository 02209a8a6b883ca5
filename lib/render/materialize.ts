/** A render plan as file contents, rendered with the same ejs options the generator's copyTpl uses. */
import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { packageRoot } from '../package-root.js';
import type { PlannedFile } from './files.js';

export const TEMPLATES_DIR = path.join(packageRoot(), 'templates');

export function materialize(plan: PlannedFile[], templatesDir = TEMPLATES_DIR): Map<string, string> {
  return new Map(
    plan.map((file) => {
      if ('content' in file) return [file.path, file.content];
      const filename = path.join(templatesDir, file.template);
      return [file.path, ejs.render(fs.readFileSync(filename, 'utf8'), file.data, { filename })];
    }),
  );
}
