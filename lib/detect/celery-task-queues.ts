/**
 * Queues named in task decorators, `@app.task(queue="mail")` and `@shared_task(queue=MAIL)`: a
 * task sent there runs only if a worker consumes that queue, so each one needs its worker as
 * much as the settings' default queue does. Read from the project's Python files (a bounded
 * walk), a name resolved to its module-level string in the same file or the module it is
 * imported from.
 */
import type { SyntaxNode } from '@lezer/common';
import { read } from '../read-text.js';
import type { Found } from './found.js';
import { projectFiles } from './project-files.js';
import { moduleSteps } from './python-source.js';
import { childrenOf, keywordArgument, PythonSource, stringValue } from './python/tree.js';
import { moduleFile, resolveImport } from './settings.js';

export interface TaskQueues {
  /** Each queue once, where it is first named. */
  queues: Found<string>[];
  /** Decorators whose queue is an expression not read: file:line. */
  unread: string[];
}

/** Folders below the root searched: an app's tasks.py, or a module of its package's package. */
const DEPTH = 3;

export function taskDecoratorQueues(root: string): TaskQueues {
  const result: TaskQueues = { queues: [], unread: [] };
  const strings = new ModuleStrings(root);
  for (const file of projectFiles(root, DEPTH)) {
    if (!file.name.endsWith('.py')) continue;
    const text = read(root, file.relative);
    if (!text?.includes('queue') || !text.includes('task')) continue;
    const python = new PythonSource(text);
    python.iterate((node) => {
      if (node.name !== 'Decorator') return;
      const queue = taskQueueArgument(python, node.node);
      if (!queue) return false;
      const line = python.lineAt(queue.from);
      const name = queue.name === 'String' ? stringValue(python.textOf(queue)) : queue.name === 'VariableName' ? strings.resolve(file.relative, python.textOf(queue)) : undefined;
      if (name === undefined) result.unread.push(`${file.relative}:${line}`);
      else if (!result.queues.some((found) => found.value === name)) result.queues.push({ value: name, source: { file: file.relative, line } });
      return false;
    });
  }
  return result;
}

/** The `queue=` argument of a Celery task decorator: `@<app>.task(...)`, `@shared_task(...)`, `@celery.shared_task(...)`. */
function taskQueueArgument(python: PythonSource, decorator: SyntaxNode): SyntaxNode | undefined {
  const children = childrenOf(decorator);
  const args = children.at(-1);
  if (args?.name !== 'ArgList') return undefined;
  const callee = python.text.slice(children[1]!.from, args.from).trim().split('.').at(-1);
  if (callee !== 'task' && callee !== 'shared_task') return undefined;
  return keywordArgument(python, args, 'queue');
}

/** Module-level `NAME = "text"` of the project's modules, and the names they import from one another. */
class ModuleStrings {
  private readonly modules = new Map<string, Map<string, string | { module: string; name: string }>>();

  constructor(private readonly root: string) {}

  resolve(file: string, name: string, depth = 0): string | undefined {
    const bound = this.namesOf(file).get(name);
    if (typeof bound === 'string' || bound === undefined || depth > 3) return typeof bound === 'string' ? bound : undefined;
    const source = moduleFile(this.root, bound.module);
    return source ? this.resolve(source, bound.name, depth + 1) : undefined;
  }

  private namesOf(file: string) {
    let names = this.modules.get(file);
    if (names) return names;
    names = new Map();
    this.modules.set(file, names);
    const text = read(this.root, file);
    if (text === undefined) return names;
    const python = new PythonSource(text);
    const module = file
      .replace(/(\/__init__)?\.py$/, '')
      .split('/')
      .join('.');
    for (const step of moduleSteps(python)) {
      if (step.kind === 'assign') {
        for (const bound of step.names) {
          if (step.value.name === 'String') names.set(bound, stringValue(python.textOf(step.value)));
          else names.delete(bound);
        }
      }
      if (step.kind === 'from-import') {
        for (const [imported, bound] of step.names) names.set(bound, { module: resolveImport(module, file, step.module), name: imported });
      }
    }
    return names;
  }
}
