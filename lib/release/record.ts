/**
 * The release record: what one release is, written once it runs and passes the health check,
 * into the release log (RELEASES_FILE, newest last). Rollback reads it to find the release
 * before the running one and its image; `check` prints the running one. Pure: no Docker here.
 */

/** One release. The field names are decided here: the log's JSON and the probe's Python take them from RECORD_FIELDS. */
export interface ReleaseRecord {
  /** The app image's tag for this release (compose: <revision>-<image id>; swarm: swarm.sh's tag). */
  tag: string;
  /** The git revision the release was built from (12 hex digits, "-dirty" with uncommitted changes), or null outside git. */
  revision: string | null;
  /** When the release was recorded (ISO 8601, UTC). */
  time: string;
  /** sha256 of the static manifest (staticfiles.json) the release serves, or null without a manifest storage. */
  manifest: string | null;
  /** The migrations the release's code holds, as "app_label.name", sorted: all applied, since migrate runs before the app. */
  migrations: string[];
  /** The app image's id (sha256:…): how the running container is matched to its record. */
  image: string;
}

/** The field names, once: the probe's Python prints the ones it measures under these keys. */
export const RECORD_FIELDS = {
  tag: 'tag',
  revision: 'revision',
  time: 'time',
  manifest: 'manifest',
  migrations: 'migrations',
  image: 'image',
} as const satisfies { [K in keyof ReleaseRecord]: K };

/** What the probe measures inside the running app (the rest comes from git and the engine). */
export type Measured = Pick<ReleaseRecord, 'manifest' | 'migrations'>;

export class ReleaseLogError extends Error {}

/** The release log's text (undefined: no log yet) as records, oldest first; a malformed log is an error, never silently emptied. */
export function parseReleaseLog(text: string | undefined, file: string): ReleaseRecord[] {
  if (text === undefined || text.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReleaseLogError(`${file} is not valid JSON (${(error as Error).message}); fix or move it, and the next healthy check starts a new log`);
  }
  const releases = (data as { releases?: unknown }).releases;
  if (!Array.isArray(releases)) throw new ReleaseLogError(`${file}: expected {"releases": [...]}`);
  return releases.map((entry, at) => {
    const problem = recordProblem(entry);
    if (problem) throw new ReleaseLogError(`${file}: release ${at + 1}: ${problem}`);
    return entry as ReleaseRecord;
  });
}

function recordProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  const record = entry as Record<string, unknown>;
  for (const field of [RECORD_FIELDS.tag, RECORD_FIELDS.time, RECORD_FIELDS.image]) if (typeof record[field] !== 'string' || record[field] === '') return `${field} is missing`;
  for (const field of [RECORD_FIELDS.revision, RECORD_FIELDS.manifest]) if (record[field] !== null && typeof record[field] !== 'string') return `${field} must be a string or null`;
  const migrations = record[RECORD_FIELDS.migrations];
  if (!Array.isArray(migrations) || migrations.some((name) => typeof name !== 'string')) return `${RECORD_FIELDS.migrations} must be a list of names`;
  return undefined;
}

export function serializeReleaseLog(records: ReleaseRecord[]): string {
  return `${JSON.stringify({ releases: records }, null, 2)}\n`;
}

/** The probe's JSON output, checked: the fields it measures, under RECORD_FIELDS' names. */
export function parseMeasured(output: string): Measured {
  const line = output
    .split('\n')
    .map((text) => text.trim())
    .findLast((text) => text.startsWith('{'));
  if (line === undefined) throw new ReleaseLogError(`the release probe printed no record:\n${output.trim()}`);
  const data = JSON.parse(line) as Record<string, unknown>;
  const manifest = data[RECORD_FIELDS.manifest];
  const migrations = data[RECORD_FIELDS.migrations];
  if ((manifest !== null && typeof manifest !== 'string') || !Array.isArray(migrations)) throw new ReleaseLogError(`the release probe printed an unexpected record: ${line}`);
  return { manifest, migrations: migrations.map(String).sort() };
}

/** The tag a compose release gets: its revision when there is one, and always the image id, so two builds never share a tag. */
export function composeTag(revision: string | null, imageId: string): string {
  const id = imageId.replace(/^sha256:/, '').slice(0, 12);
  return revision ? `${revision}-${id}` : id;
}

/** The log with this release added: none added when the image is recorded already (a second check, or a check after a rollback). */
export function withRelease(records: ReleaseRecord[], record: ReleaseRecord): { records: ReleaseRecord[]; added: boolean } {
  if (records.some((known) => known.image === record.image)) return { records, added: false };
  return { records: [...records, record], added: true };
}

/** The running release (matched by image id) and the one recorded just before it. */
export function runningAndPrevious(records: ReleaseRecord[], imageId: string): { running?: ReleaseRecord; previous?: ReleaseRecord } {
  const at = records.findLastIndex((record) => record.image === imageId);
  if (at < 0) return {};
  return { running: records[at], previous: at > 0 ? records[at - 1] : undefined };
}

/** One line for people: the tag, then what else is known. */
export function describeRelease(record: ReleaseRecord): string {
  const parts = [
    `revision ${record.revision ?? 'unknown (not a git checkout)'}`,
    `recorded ${record.time}`,
    `static manifest ${record.manifest ? `sha256:${record.manifest.slice(0, 12)}` : 'none'}`,
    `${record.migrations.length} migration${record.migrations.length === 1 ? '' : 's'}`,
  ];
  return `${record.tag} (${parts.join(', ')})`;
}
