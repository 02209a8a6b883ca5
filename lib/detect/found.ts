/** A detected value and where it came from, so every finding can be reported with its source. */
export interface Found<T> {
  value: T;
  source?: { file: string; line?: number };
  /** The environment variable that can override it at run time (os.environ.get, env(), config()). */
  env?: string;
  /** Extra context for the report, e.g. the specifier a version was chosen from. */
  note?: string;
}

export function where(found: Found<unknown>): string {
  if (!found.source) return 'default';
  return found.source.line ? `${found.source.file}:${found.source.line}` : found.source.file;
}
