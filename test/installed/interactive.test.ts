/**
 * `yo django-static` from the installed package, interactively, in a real pseudo-terminal
 * (tmux), as the non-root user: prompts answered by keys, then Yeoman's conflict prompt for a
 * hand-edited file answered "n".
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { startproject } from '../fixtures/projects.js';
import { asUserArgs, read, userProject } from './user.js';

const { base, prefix } = inject('installed');
const socket = `django-static-test-${process.pid}`;

function tmux(...args: string[]): string {
  const [program, ...rest] = asUserArgs(['tmux', '-L', socket, ...args], prefix);
  return execFileSync(program!, rest, { encoding: 'utf8', timeout: 10_000 });
}

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // no server left: every session has ended
  }
});

/** The whole pane, scrollback included, so line numbers do not move as it scrolls. */
const screen = (session: string) => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session);

/** Polls the pane until `found` returns something, for at most `timeoutMs`. */
async function waitFor<T>(session: string, what: string, found: (text: string) => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(session);
    const result = found(text);
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s; the screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Runs `yo django-static` in a new 200×50 terminal and answers each prompt as it appears: with
 * the keys of the first matching rule, or Enter alone (the default). Returns the exit status,
 * the final screen and the prompts seen.
 */
async function interactive(dir: string, name: string, rules: [RegExp, string][]) {
  tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '50', '-c', dir, 'yo django-static --skip-health-check; echo "exit status $?"; sleep 600');
  const prompts: string[] = [];
  let handled = -1;
  for (;;) {
    const next = await waitFor(name, `prompt after "${prompts.at(-1) ?? 'start'}"`, (text) => {
      const lines = text.split('\n');
      const exit = lines.findIndex((line) => /^exit status \d+$/.test(line));
      if (exit !== -1) return { exit: Number(lines[exit]!.split(' ')[2]), text };
      const index = lines.findLastIndex((line, i) => i > handled && line.startsWith('? '));
      return index === -1 ? undefined : { index, prompt: lines[index]! };
    });
    if ('exit' in next) {
      tmux('kill-session', '-t', name);
      return { status: next.exit, screen: next.text, prompts };
    }
    prompts.push(next.prompt);
    const keys = rules.find(([pattern]) => pattern.test(next.prompt))?.[1];
    if (keys) tmux('send-keys', '-t', name, '-l', keys);
    tmux('send-keys', '-t', name, 'Enter');
    handled = next.index;
    if (prompts.length > 60) throw new Error(`too many prompts:\n${prompts.join('\n')}`);
  }
}

it('prompts answered by keys in a real terminal, then a declined conflict keeps a hand-edited file', async () => {
  const dir = userProject(base, 'interactive', startproject());

  const first = await interactive(dir, 'first', [
    [/^\? Compose project name/, 'djsinteractive'],
    [/^\? Public HTTP port/, '18311'],
  ]);
  expect(first.status, first.screen).toBe(0);
  expect(first.prompts.length).toBeGreaterThan(5);
  expect(first.screen).toMatch(/^✔ Compose project name djsinteractive$/m);
  expect(first.screen).toMatch(/^✔ Public HTTP port 18311$/m);
  expect(first.screen).not.toMatch(/No change to package\.json|An error occured|prompt is deprecated/);
  expect(read(dir, '.env')).toMatch(/^COMPOSE_PROJECT_NAME=djsinteractive$/m);
  expect(read(dir, 'compose.yaml')).toMatch(/image: djsinteractive-app:latest/);
  expect(read(dir, 'compose.yaml')).toMatch(/:18311:80\b/);
  const stored = JSON.parse(read(dir, '.yo-rc.json')) as { 'generator-django-static': { manifest: { answers: Record<string, unknown> } } };
  expect(stored['generator-django-static'].manifest.answers).toMatchObject({ projectName: 'djsinteractive', port: 18311 });

  // Hand-edit a generated file, then change an answer that changes that file's content.
  const conf = path.join(dir, 'nginx', 'default.conf');
  const edited = `${fs.readFileSync(conf, 'utf8')}# tuned by hand\n`;
  fs.writeFileSync(conf, edited);
  const second = await interactive(dir, 'second', [
    [/^\? nginx client_max_body_size/, '25m'],
    [/^\? Overwrite nginx\/default\.conf\?/, 'n'],
  ]);
  expect(second.prompts.filter((prompt) => /^\? Overwrite /.test(prompt))).toEqual([expect.stringMatching(/^\? Overwrite nginx\/default\.conf\?/)]);
  expect(second.prompts.some((prompt) => /^\? nginx client_max_body_size .*\(\d+m\)/.test(prompt))).toBe(true);
  expect(fs.readFileSync(conf, 'utf8')).toBe(edited);
  expect(second.status, second.screen).toBe(0);
});
