import fs from 'node:fs';
import path from 'node:path';

/** A text file's content, or undefined when it does not exist or cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A project file's content (`file` relative to `root`), or undefined when it cannot be read. */
export const read = (root: string, file: string): string | undefined => readText(path.join(root, file));
