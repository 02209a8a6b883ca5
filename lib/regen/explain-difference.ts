/**
 * When a project already has a file we cannot merge (its own Dockerfile or compose.yaml),
 * ours is written beside it as <file>.new. These say, in a few plain lines, what ours does
 * that theirs does not, so the user knows whether the merge is worth it before opening a diff.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { parse } from 'yaml';
import { GENERATED_FILES } from '../config/names.js';

const MAX_LINES = 4;

export function explainDifference(file: string, theirs: string, ours: string): string[] {
  let lines: string[];
  try {
    if (file === GENERATED_FILES.dockerfile) lines = dockerfileDifferences(theirs, ours);
    else if (file === GENERATED_FILES.compose) lines = composeDifferences(theirs, ours);
    else lines = [];
  } catch {
    lines = []; // a file we cannot read is still described by its line counts below
  }
  if (lines.length === 0) lines = [lineCountDifference(theirs, ours)];
  return lines.slice(0, MAX_LINES);
}

interface DockerfileFacts {
  base?: string;
  user?: string;
  command?: string;
  creates: string[];
}

function dockerfileFacts(text: string): DockerfileFacts {
  const instructions = DockerfileParser.parse(text).getInstructions();
  const last = (keyword: string) =>
    instructions
      .filter((i) => i.getKeyword() === keyword)
      .at(-1)
      ?.getArgumentsContent() ?? undefined;
  const from = instructions
    .filter((i) => i.getKeyword() === 'FROM')
    .at(-1)
    ?.getArguments()[0]
    ?.getValue();
  const run = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
  return {
    base: from,
    user: last('USER'),
    command: last('CMD') ?? last('ENTRYPOINT'),
    creates: run.filter((command) => command.includes('chown')),
  };
}

const isRoot = (user: string | undefined) => user === undefined || user === 'root' || user === '0' || user.startsWith('0:') || user.startsWith('root:');

function dockerfileDifferences(theirs: string, ours: string): string[] {
  const [a, b] = [dockerfileFacts(theirs), dockerfileFacts(ours)];
  const lines: string[] = [];
  if (isRoot(a.user) && !isRoot(b.user)) lines.push(`your Dockerfile runs the app as root (no USER); ours runs it as the unprivileged user "${b.user}"`);
  if (!/gunicorn/.test(a.command ?? '') && /gunicorn/.test(b.command ?? '')) {
    lines.push(`yours starts ${a.command ? `\`${a.command}\`` : 'no command'}; ours starts gunicorn with gunicorn.conf.py`);
  }
  if (a.creates.length === 0 && b.creates.length > 0) {
    lines.push('ours creates the static folder owned by the app user, so collectstatic can fill the shared volume');
  }
  if (a.base !== b.base) lines.push(`yours builds FROM ${a.base ?? '(nothing)'}; ours FROM ${b.base}`);
  return lines;
}

function composeDifferences(theirs: string, ours: string): string[] {
  const services = (text: string) => Object.keys((parse(text) as { services?: Record<string, unknown> } | null)?.services ?? {});
  const [a, b] = [services(theirs), services(ours)];
  const missing = b.filter((name) => !a.includes(name));
  const lines: string[] = [];
  if (missing.length > 0) lines.push(`yours has the services ${a.join(', ') || '(none)'}; ours adds ${missing.join(', ')}`);
  if (!/collectstatic/.test(theirs)) lines.push('ours runs collectstatic once into a volume that nginx serves, before the app starts');
  return lines;
}

function lineCountDifference(theirs: string, ours: string): string {
  const a = new Set(theirs.split('\n'));
  const b = new Set(ours.split('\n'));
  const onlyOurs = [...b].filter((line) => !a.has(line)).length;
  const onlyTheirs = [...a].filter((line) => !b.has(line)).length;
  return `${onlyOurs} line(s) only in ours, ${onlyTheirs} only in yours`;
}
