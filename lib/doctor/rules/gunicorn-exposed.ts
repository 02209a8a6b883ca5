import { isDjango } from '../compose.js';
import { moduleNames } from '../../detect/settings.js';
import { moduleSteps } from '../../detect/python-source.js';
import { PythonSource } from '../../detect/python/tree.js';
import { read } from '../../read-text.js';
import type { Hit } from '../finding.js';
import { fileText, replaceInLine, type DoctorFacts, type Rule } from '../rule.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/** gunicorn answers directly, around nginx: its static 404s, unfiltered Host and forwarding headers. */
export const gunicornExposed: Rule = {
  id: 'gunicorn-exposed',
  severity: 'high',
  title: 'gunicorn reachable from outside',
  why: "A published gunicorn port lets clients skip nginx: its header rules, its static files and its limits, and gunicorn's sync workers are easy to tie up with slow clients.",
  check(facts) {
    if (facts.compose?.services.some(isDjango)) return inCompose(facts);
    return bindAll(facts);
  },
};

function inCompose(facts: DoctorFacts): Hit[] {
  const compose = facts.compose!;
  return compose.services.filter(isDjango).flatMap((service) => {
    if (service.ports.length === 0) return [];
    const text = fileText(facts, compose.file)?.split('\n') ?? [];
    const open = service.ports.filter((p) => !LOOPBACK.includes(p.hostIp));
    const keyLine = service.portsLine;
    const consecutive = keyLine !== undefined && service.ports.every((p, i) => p.line === keyLine + 1 + i);
    const indent = (line: number) => (text[line - 1] ?? '').slice(0, (text[line - 1] ?? '').length - (text[line - 1] ?? '').trimStart().length);
    const fix = consecutive
      ? {
          file: compose.file,
          edits: [{ line: keyLine, remove: 1 + service.ports.length, insert: [`${indent(keyLine)}expose:`, ...service.ports.map((p) => `${indent(p.line)}- "${p.text.split(':').at(-1)}"`)] }],
        }
      : undefined;
    return [
      {
        file: compose.file,
        line: service.ports[0]!.line,
        severity: open.length > 0 ? undefined : ('low' as const),
        message: `the ${service.name} service publishes ${service.ports.map((p) => p.text).join(', ')}${open.length > 0 ? ' on every address' : ' (on loopback only)'}: only nginx should have a host port`,
        fix,
      },
    ];
  });
}

/** gunicorn.conf.py binding every address, with no word on a firewall. */
function bindAll(facts: DoctorFacts): Hit[] {
  const file = 'gunicorn.conf.py';
  const text = read(facts.root, file);
  if (text === undefined) return [];
  const bind = moduleNames(text, file).get('bind');
  const values = bind?.kind === 'str' ? [bind.value] : bind?.kind === 'list' ? bind.items.flatMap((i) => (i.kind === 'str' ? [i.value] : [])) : [];
  const open = values.filter((v) => v.startsWith('0.0.0.0') || v.startsWith('[::]') || v.startsWith(':'));
  if (open.length === 0 || text.toLowerCase().includes('firewall')) return [];
  const step = moduleSteps(new PythonSource(text)).find((s) => s.kind === 'assign' && s.names.includes('bind'));
  const line = step?.line ?? 1;
  const edit = replaceInLine(facts, file, line, open[0]!.startsWith('0.0.0.0') ? '0.0.0.0' : open[0]!.split(']')[0]! + ']', '127.0.0.1');
  return [{ file, line, message: `gunicorn binds ${open.join(', ')}, every address, with no note of a firewall keeping it private`, fix: edit && { file, edits: [edit] } }];
}
