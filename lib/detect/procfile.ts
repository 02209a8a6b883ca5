/**
 * A Procfile (Heroku's, also read by Dokku, foreman, honcho): one `name: command` per line.
 * It is a line format, not code: each line is split at its first colon, as those tools do.
 */
import { read } from '../read-text.js';

export interface ProcfileProcess {
  /** The process type: web, worker, release, or any other name. */
  name: string;
  command: string;
  line: number;
}

/** Process type names foreman and Heroku accept. */
const NAME = /^[A-Za-z0-9_-]+$/;

export function parseProcfile(text: string): { processes: ProcfileProcess[]; problems: string[] } {
  const processes: ProcfileProcess[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    const command = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (!NAME.test(name) || command === '') {
      problems.push(`Procfile:${index + 1}: not a "name: command" line, skipped`);
      return;
    }
    if (processes.some((process) => process.name === name)) {
      problems.push(`Procfile:${index + 1}: ${name} is defined twice; the first one is kept`);
      return;
    }
    processes.push({ name, command, line: index + 1 });
  });
  return { processes, problems };
}

export function readProcfile(root: string): { processes: ProcfileProcess[]; problems: string[] } | undefined {
  const text = read(root, 'Procfile');
  return text === undefined ? undefined : parseProcfile(text);
}
