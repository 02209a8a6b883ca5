import fs from 'node:fs';

/** A text file's content, or undefined when it does not exist or cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
