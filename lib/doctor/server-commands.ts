/**
 * The commands that start the app server, with the lines they are written on: compose
 * `command:`/`entrypoint:`, the Dockerfile's last CMD/ENTRYPOINT, the Procfile's `web:`. Each is
 * split into words as a shell does (quotes, a `sh -c "..."` script split again), and a gunicorn
 * in it read for its application, worker class and config file.
 */
import path from 'node:path';
import { readProcfile } from '../detect/procfile.js';
import { moduleNames } from '../detect/settings.js';
import { read } from '../read-text.js';
import type { DoctorFacts } from './rule.js';

export interface ServerCommand {
  file: string;
  /** First and last line of the command's text. */
  lines: [number, number];
  words: string[];
  /** What it is, for messages ("the web service's command"). */
  what: string;
  environment?: Map<string, string>;
  /** A Dockerfile's CMD or ENTRYPOINT. */
  keyword?: string;
}

export interface GunicornRun {
  command: ServerCommand;
  /** The application as given (config.asgi:application), from the command or the config's wsgi_app. */
  target?: string;
  /** The worker class as given, and where: the command, GUNICORN_CMD_ARGS, or the config file. */
  workerClass?: { value: string; from: 'command' | 'environment' | 'config'; file?: string };
}

/** Shell words of a command line; a word holding a script (sh -c "a && b") is split again. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && text[i + 1] === '\n') i++;
    else if (ch === '\\' && i + 1 < text.length) word += text[++i];
    else if (/\s/.test(ch) || ch === ';') {
      if (started || word) words.push(word);
      if (ch === ';') words.push(';');
      word = '';
      started = false;
    } else {
      word += ch;
      started = true;
    }
  }
  if (started || word) words.push(word);
  return words.flatMap((w) => (/\s/.test(w.trim()) ? shellWords(w) : [w]));
}

/** Every command that can start the app server. */
export function serverCommands(facts: DoctorFacts): ServerCommand[] {
  const found: ServerCommand[] = [];
  for (const service of facts.compose?.services ?? []) {
    const lines = service.commandLines ?? [];
    if (!service.command || lines.length === 0) continue;
    found.push({
      file: facts.compose!.file,
      lines: [Math.min(...lines.map((l) => l[0])), Math.max(...lines.map((l) => l[1]))],
      words: shellWords(service.command),
      what: `the ${service.name} service's command`,
      environment: service.environment,
    });
  }
  // The Dockerfile's CMD (ENTRYPOINT) runs in every service built here that sets no command (entrypoint) of its own;
  // when each sets one (the app's included), it runs nowhere.
  const built = (facts.compose?.services ?? []).filter((service) => service.build);
  const replaced = (keyword: string) => built.length > 0 && built.every((service) => service.commandKeys?.includes(keyword === 'CMD' ? 'command' : 'entrypoint'));
  for (const folder of projectFolders(facts)) {
    const dockerfile = path.join(folder, 'Dockerfile');
    const text = read(facts.root, dockerfile);
    if (text !== undefined) found.push(...dockerfileCommands(text, dockerfile).filter((command) => !replaced(command.keyword!)));
    const procfile = readProcfile(path.join(facts.root, folder));
    const web = procfile?.processes.find((p) => p.name === 'web');
    if (web) found.push({ file: path.join(folder, 'Procfile'), lines: [web.line, web.line], words: shellWords(web.command), what: "the Procfile's web process" });
  }
  return found;
}

/** The folder doctor reads, and the Django project's folder below it when there is one. */
const projectFolders = (facts: DoctorFacts) => ['', ...(facts.django?.subfolder ? [facts.django.subfolder] : [])];

/** The last stage's last CMD and ENTRYPOINT (each instruction with its continuation lines). */
function dockerfileCommands(text: string, file: string): ServerCommand[] {
  const lines = text.split('\n');
  const last = new Map<string, ServerCommand>();
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let instruction = lines[i]!;
    while (/\\\s*$/.test(instruction) && i + 1 < lines.length) instruction = `${instruction.replace(/\\\s*$/, '')} ${lines[++i]!.trim().startsWith('#') ? '' : lines[i]}`;
    const match = /^\s*(FROM|CMD|ENTRYPOINT)\s+(.*)$/i.exec(instruction);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') {
      last.clear();
      continue;
    }
    last.set(keyword, { file, lines: [start + 1, i + 1], words: execForm(match[2]!) ?? shellWords(match[2]!), what: `the Dockerfile's ${keyword}`, keyword });
  }
  return [...last.values()];
}

/** `["gunicorn", "x"]`: JSON, as Docker reads the exec form. */
function execForm(text: string): string[] | undefined {
  if (!text.trim().startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.flatMap((w) => (/\s/.test(w.trim()) ? shellWords(w) : [w])) : undefined;
  } catch {
    return undefined;
  }
}

const SEPARATORS = new Set([';', '&&', '||', '|', '&']);
/** gunicorn options that take no value. */
const FLAGS = new Set([
  '--reload',
  '--preload',
  '-D',
  '--daemon',
  '-R',
  '--enable-stdio-inheritance',
  '--capture-output',
  '--check-config',
  '--print-config',
  '--spew',
  '--reuse-port',
  '--no-sendfile',
  '--strip-header-spaces',
  '--help',
  '-h',
  '-v',
  '--version',
  '--paste',
  '--proxy-protocol',
  '--suppress-ragged-eofs',
  '--do-handshake-on-connect',
]);

/** gunicorn in a command: `gunicorn`, `/venv/bin/gunicorn`, `python -m gunicorn`, `uv run gunicorn`. */
export function gunicornRun(command: ServerCommand, facts: DoctorFacts): GunicornRun | undefined {
  const words = command.words;
  // Every `gunicorn` word that starts a command (after `pip install gunicorn &&` comes the real one).
  const starts = words.flatMap((w, i) => (path.posix.basename(w) === 'gunicorn' && (i === 0 || !['-c', 'install', 'add'].includes(words[i - 1]!)) ? [i] : []));
  if (starts.length === 0) return undefined;
  const runs = starts.map((at) => gunicornAt(command, at, facts));
  return runs.find((run) => run.target) ?? runs[0];
}

function gunicornAt(command: ServerCommand, at: number, facts: DoctorFacts): GunicornRun {
  const words = command.words;
  const run: GunicornRun = { command };
  let config: string | undefined;
  const rest = words.slice(at + 1);
  const cut = rest.findIndex((w) => SEPARATORS.has(w));
  const args = cut >= 0 ? rest.slice(0, cut) : rest;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.startsWith('-') || word === '-') {
      run.target ??= word;
      continue;
    }
    const [option, inline] = word.includes('=') && word.startsWith('--') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (FLAGS.has(option)) continue;
    const value = inline ?? (option.length > 2 && !option.startsWith('--') ? option.slice(2) : args[++i]);
    const name = option.length > 2 && !option.startsWith('--') ? option.slice(0, 2) : option;
    if (name === '-k' || name === '--worker-class') run.workerClass = { value: value ?? '', from: 'command' };
    if (name === '-c' || name === '--config') config = value;
  }
  if (!run.workerClass) {
    const fromEnv = command.environment?.get('GUNICORN_CMD_ARGS');
    const env = fromEnv ? gunicornRun({ ...command, words: ['gunicorn', ...shellWords(fromEnv)], environment: undefined }, facts) : undefined;
    if (env?.workerClass) run.workerClass = { value: env.workerClass.value, from: 'environment' };
  }
  const conf = gunicornConfig(facts, config);
  if (conf) {
    if (!run.workerClass && conf.workerClass) run.workerClass = { value: conf.workerClass, from: 'config', file: conf.file };
    run.target ??= conf.wsgiApp;
  }
  return run;
}

/** gunicorn's config: the -c file when it is in the project, else ./gunicorn.conf.py, gunicorn's default. */
function gunicornConfig(facts: DoctorFacts, named: string | undefined): { file: string; workerClass?: string; wsgiApp?: string } | undefined {
  const names = named ? [named.replace(/^python:/, ''), path.basename(named)] : ['gunicorn.conf.py'];
  for (const folder of projectFolders(facts))
    for (const name of names) {
      if (path.isAbsolute(name)) continue;
      const file = path.join(folder, name);
      const text = read(facts.root, file);
      if (text === undefined) continue;
      const values = moduleNames(text, file);
      const text_ = (key: string) => {
        const value = values.get(key);
        return value?.kind === 'str' ? value.value : undefined;
      };
      return { file, workerClass: text_('worker_class'), wsgiApp: text_('wsgi_app') };
    }
  return undefined;
}
