/**
 * Just enough of PCRE's syntax to read nginx's regexes (location ~, if, map, rewrite): where
 * each capturing group is, numbered as PCRE numbers them (named groups count too), and what a
 * group's body can match that matters here (a newline, a dot).
 */
export interface Group {
  /** Index of the group's "(" and of its ")". */
  start: number;
  end: number;
  name?: string;
}

/** The capturing groups of a pattern, in PCRE's numbering order (by opening parenthesis). */
export function regexGroups(pattern: string): Group[] {
  const groups: Group[] = [];
  const open: (Group | undefined)[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++; // "[]...]" and "[^]...]": the first "]" is literal
      continue;
    }
    if (ch === '(') {
      if (pattern[i + 1] !== '?') {
        const group: Group = { start: i, end: -1 };
        groups.push(group);
        open.push(group);
        continue;
      }
      const named = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(pattern.slice(i));
      if (named) {
        const group: Group = { start: i, end: -1, name: named[1] ?? named[2] };
        groups.push(group);
        open.push(group);
      } else open.push(undefined);
      continue;
    }
    if (ch === ')') {
      const group = open.pop();
      if (group) group.end = i;
    }
  }
  return groups.filter((g) => g.end > 0);
}

/** The text inside a group, without its opening "(?<name>" part. */
export function captureBody(pattern: string, group: Group): string {
  const inner = pattern.slice(group.start + 1, group.end);
  return group.name ? inner.replace(/^\?P?<\w+>|^\?'\w+'/, '') : inner;
}

/** Can this piece of regex match a newline (HTTP splitting)? "." cannot without (?s); a negated class, \s, \W, \D can. */
export function canMatchNewline(body: string): boolean {
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1] ?? '';
      if ('sWDHRvn'.includes(next)) return true; // \S, \w, \d, \N never match a newline
      i++;
      continue;
    }
    if (ch === '[') {
      const close = classEnd(body, i);
      const set = body.slice(i + 1, close);
      if (set.startsWith('^') && !/\\n|\\s|\\v|\\R/.test(set)) return true;
      if (!set.startsWith('^') && /\\n|\\s|\\v|\\R/.test(set)) return true;
      i = close;
    }
  }
  return /^\(\?[a-z]*s/.test(body);
}

function classEnd(body: string, open: number): number {
  let i = open + 1;
  if (body[i] === '^') i++;
  if (body[i] === ']') i++;
  for (; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === ']') return i;
  }
  return body.length;
}
