/**
 * A file's lines, split once per text: rules, diffs and fingerprints ask for lines of the same
 * few files once per finding, and splitting the whole file each time made doctor quadratic
 * (10,000 server blocks: minutes). Strings are their own keys; the last few texts are kept.
 */
const KEEP = 16;
const cache = new Map<string, string[]>();

/** `text.split('\n')`, shared: do not change the array. */
export function splitLines(text: string): readonly string[] {
  let lines = cache.get(text);
  if (!lines) {
    lines = text.split('\n');
    if (cache.size >= KEEP) cache.delete(cache.keys().next().value!);
    cache.set(text, lines);
  }
  return lines;
}

/** How many lines a diff counts in a text (a final newline ends the last line, it does not start another). */
export const lineCount = (text: string) => splitLines(text).length - (text.endsWith('\n') ? 1 : 0);
