/**
 * Line-list files a project already has (.dockerignore, .gitignore) are merged, not replaced:
 * the user's lines stay as they are, and the lines the stack needs that they lack go in one
 * marked block at the end. On a re-run the block is rebuilt, so it never grows twice.
 */

export const BLOCK_START = '# >>> generator-django-static: lines the Docker stack needs (re-generated; edit above this block)';
export const BLOCK_END = '# <<< generator-django-static';

/** Meaningful lines of an ignore file: no blanks, no comments, trimmed. */
export function ruleLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The file without our block (and without the blank lines that precede it); '' when nothing else is left. */
export function withoutBlock(text: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(BLOCK_START);
  if (start === -1) return text;
  const end = lines.indexOf(BLOCK_END, start);
  const before = lines.slice(0, start);
  while (before.length > 0 && before.at(-1) === '') before.pop();
  const after = end === -1 ? [] : lines.slice(end + 1);
  const rest = [...before, ...after].join('\n');
  // Only newlines left means the file was ours alone: keeping one would grow a blank line per run.
  return rest.replace(/\n/g, '') === '' ? '' : rest.replace(/\n*$/, '\n');
}

export function hasBlock(text: string): boolean {
  return text.split('\n').includes(BLOCK_START);
}

/**
 * What the file becomes, and which of our rules were missing from the user's part. The user's
 * trailing blank lines give way to exactly one blank line before the block (none in a file that is
 * ours alone), so merging the result again gives the same bytes.
 */
export function mergeLines(existing: string, ours: string): { content: string; added: string[] } {
  const users = withoutBlock(existing);
  const present = new Set(ruleLines(users));
  const added = [...new Set(ruleLines(ours))].filter((rule) => !present.has(rule));
  if (added.length === 0) return { content: users, added };
  const block = `${BLOCK_START}\n${added.join('\n')}\n${BLOCK_END}\n`;
  const kept = users.replace(/\n*$/, '');
  return { content: kept === '' ? block : `${kept}\n\n${block}`, added };
}
