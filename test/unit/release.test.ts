import { describe, expect, it } from 'vitest';
import { refusal, unknownMigrations } from '../../lib/release/migrations.js';
import { tagOf } from '../../lib/release/probe.js';
import { MIGRATIONS_PYTHON, PROBE_PYTHON } from '../../lib/release/python.js';
import {
  composeTag,
  describeRelease,
  parseMeasured,
  parseReleaseLog,
  RECORD_FIELDS,
  ReleaseLogError,
  runningAndPrevious,
  serializeReleaseLog,
  withRelease,
  type ReleaseRecord,
} from '../../lib/release/record.js';

const release = (tag: string, image: string, migrations: string[] = ['auth.0001_initial']): ReleaseRecord => ({
  tag,
  revision: null,
  time: '2026-12-02T10:00:00Z',
  manifest: 'ab'.repeat(32),
  migrations,
  image,
});

describe('the release log', () => {
  it('reads back what it writes, and no log is an empty one', () => {
    const records = [release('one', 'sha256:1'), { ...release('two', 'sha256:2'), revision: '0123456789ab-dirty', manifest: null }];
    expect(parseReleaseLog(serializeReleaseLog(records), 'releases.json')).toEqual(records);
    expect(parseReleaseLog(undefined, 'releases.json')).toEqual([]);
    expect(parseReleaseLog('  \n', 'releases.json')).toEqual([]);
  });

  it('refuses a malformed log instead of starting over (rollback would lose its history)', () => {
    expect(() => parseReleaseLog('{"releases": [', 'releases.json')).toThrow(ReleaseLogError);
    expect(() => parseReleaseLog('[]', 'releases.json')).toThrow(/expected \{"releases": \[\.\.\.\]\}/);
    const noImage = JSON.stringify({ releases: [{ ...release('one', 'x'), image: undefined }] });
    expect(() => parseReleaseLog(noImage, 'releases.json')).toThrow(/release 1: image is missing/);
    const badMigrations = JSON.stringify({ releases: [{ ...release('one', 'x'), migrations: 'auth.0001' }] });
    expect(() => parseReleaseLog(badMigrations, 'releases.json')).toThrow(/migrations must be a list/);
  });

  it('adds a release once per image: a second check, or one after a rollback, adds none', () => {
    const log = [release('one', 'sha256:1')];
    expect(withRelease(log, release('again', 'sha256:1'))).toEqual({ records: log, added: false });
    expect(withRelease(log, release('two', 'sha256:2')).records.map((r) => r.tag)).toEqual(['one', 'two']);
  });

  it('finds the running release by image and the one recorded before it', () => {
    const log = [release('one', 'sha256:1'), release('two', 'sha256:2'), release('three', 'sha256:3')];
    expect(runningAndPrevious(log, 'sha256:3')).toEqual({ running: log[2], previous: log[1] });
    // After a rollback to two, the next rollback goes to one, not back to three.
    expect(runningAndPrevious(log, 'sha256:2')).toEqual({ running: log[1], previous: log[0] });
    expect(runningAndPrevious(log, 'sha256:1')).toEqual({ running: log[0], previous: undefined });
    expect(runningAndPrevious(log, 'sha256:9')).toEqual({});
  });

  it('tags a compose release with its revision and image, so two builds of one revision never share a tag', () => {
    expect(composeTag('0123456789ab', 'sha256:fedcba9876543210aaaa')).toBe('0123456789ab-fedcba987654');
    expect(composeTag(null, 'sha256:fedcba9876543210aaaa')).toBe('fedcba987654');
  });

  it('reads the tag of a swarm image name, registry port and digest aside', () => {
    expect(tagOf('127.0.0.1:5000/shop/app:abc123@sha256:0f0f')).toBe('abc123');
    expect(tagOf('127.0.0.1:5000/shop/app@sha256:0f0f')).toBeUndefined();
    expect(tagOf('shop-app:latest')).toBe('latest');
  });

  it('describes a release in one line', () => {
    expect(describeRelease(release('one', 'sha256:1', ['a.0001', 'b.0001']))).toBe(
      'one (revision unknown (not a git checkout), recorded 2026-12-02T10:00:00Z, static manifest sha256:abababababab, 2 migrations)',
    );
  });
});

describe('the probe', () => {
  it('prints the measured fields under the record names, which parseMeasured reads (last JSON line, sorted)', () => {
    expect(PROBE_PYTHON).toContain(`"${RECORD_FIELDS.manifest}": digest`);
    expect(PROBE_PYTHON).toContain(`"${RECORD_FIELDS.migrations}": names`);
    const output = `a warning\n${JSON.stringify({ [RECORD_FIELDS.manifest]: 'cd'.repeat(32), [RECORD_FIELDS.migrations]: ['b.0001', 'a.0002'] })}\n`;
    expect(parseMeasured(output)).toEqual({ manifest: 'cd'.repeat(32), migrations: ['a.0002', 'b.0001'] });
    expect(() => parseMeasured('Traceback (most recent call last):\n  ImportError')).toThrow(/printed no record/);
  });

  it('has no single quote in the Python swarm.sh quotes for sh', () => {
    expect(MIGRATIONS_PYTHON).not.toContain("'");
  });
});

describe('migrations across a rollback', () => {
  it('names the running release migrations that the previous release does not know', () => {
    const previous = { migrations: ['auth.0001_initial', 'shop.0001_initial'] };
    const running = { migrations: ['auth.0001_initial', 'shop.0002_price', 'shop.0001_initial', 'notes.0001_initial'] };
    expect(unknownMigrations(running, previous)).toEqual(['notes.0001_initial', 'shop.0002_price']);
    expect(unknownMigrations(previous, previous)).toEqual([]);
    // Going back to a release that knows more (it was rolled back from) is no risk to the schema.
    expect(unknownMigrations(previous, running)).toEqual([]);
  });

  it('refuses with each migration on its own line and the flag that overrides', () => {
    const message = refusal(['notes.0001_initial', 'shop.0002_price'], 'abc', '--across-migrations');
    expect(message).toMatch(/^refusing to roll back to abc: the database has migrations that release does not know:$/m);
    expect(message).toMatch(/^ {2}notes\.0001_initial$/m);
    expect(message).toMatch(/^ {2}shop\.0002_price$/m);
    expect(message).toContain('add --across-migrations');
  });
});
