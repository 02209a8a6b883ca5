/**
 * The documentation a user reads holds together: every relative link in README.md,
 * CONTRIBUTING.md and docs/*.md names a file that exists and, with #anchor, a heading in it
 * (GitHub's anchors); and the README stays short.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/package-root.js';

const root = packageRoot();
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const README_LIMIT_BYTES = 20_000;

/** The text outside fenced code blocks, line by line with line numbers (links and headings in code are not links or headings). */
function proseLines(markdown: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) fence = fence ? undefined : marker;
    else if (!fence) lines.push({ line: index + 1, text });
  });
  return lines;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const plain = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Relative links `[text](target)` outside code, with their line. */
function relativeLinks(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const withoutCode = text.replace(/`[^`]*`/g, '');
    for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line, target });
    }
  }
  return links;
}

/** Each broken link of `doc` (a path under `base`), as "doc:line: target: reason". */
function brokenLinks(doc: string, base = root): string[] {
  const source = path.join(base, doc);
  const broken: string[] = [];
  for (const { line, target } of relativeLinks(fs.readFileSync(source, 'utf8'))) {
    const [file, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = file ? path.resolve(path.dirname(source), decodeURIComponent(file)) : source;
    if (!fs.existsSync(resolved)) {
      broken.push(`${doc}:${line}: ${target}: no such file`);
      continue;
    }
    if (anchor !== undefined && !(resolved.endsWith('.md') && anchors(fs.readFileSync(resolved, 'utf8')).has(anchor))) {
      broken.push(`${doc}:${line}: ${target}: no heading with that anchor in ${path.relative(base, resolved)}`);
    }
  }
  return broken;
}

describe('documentation links', () => {
  it.each(DOCS)('%s: every relative link resolves, anchors included', (doc) => {
    expect(brokenLinks(doc)).toEqual([]);
  });

  it('the checker finds a missing file and a missing anchor, and accepts real ones', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-links-'));
    fs.mkdirSync(path.join(base, 'docs'));
    fs.writeFileSync(path.join(base, 'README.md'), '# Tool\n\n## Install\n');
    fs.writeFileSync(path.join(base, 'docs', 'https.md'), '# HTTPS\n\n## HSTS\n');
    fs.writeFileSync(
      path.join(base, 'docs', 'probe.md'),
      '# Top\n\n## Over Swarm (`check --target swarm`)\n\n[a](nothing.md) [b](https.md#no-such) [c](#over-swarm-check---target-swarm) [d](../README.md#install) [e](https.md#hsts)\n\n```\n[f](not-a-link.md)\n```\n',
    );
    expect(brokenLinks('docs/probe.md', base)).toEqual(['docs/probe.md:5: nothing.md: no such file', 'docs/probe.md:5: https.md#no-such: no heading with that anchor in docs/https.md']);
  });

  it(`README.md stays within ${README_LIMIT_BYTES.toLocaleString('en')} bytes (20 KB): topics live under docs/`, () => {
    expect(fs.statSync(path.join(root, 'README.md')).size).toBeLessThanOrEqual(README_LIMIT_BYTES);
  });
});
