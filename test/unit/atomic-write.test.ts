import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAllOrNothing, WriteError } from '../../lib/regen/atomic-write.js';
import { modeToWrite } from '../../lib/regen/file-mode.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'));

describe('writeAllOrNothing', () => {
  it('holds back a real SIGINT until every file is in place, and reports it', async () => {
    const dir = tmp();
    const files = ['a', 'b', 'c'].map((name) => ({ path: path.join(dir, name), contents: `new ${name}` }));
    for (const file of files) fs.writeFileSync(file.path, 'old');
    const result = await writeAllOrNothing(files, {
      afterRename: (file) => {
        if (file.endsWith('a')) process.kill(process.pid, 'SIGINT'); // a real signal, mid-swap
      },
    });
    expect(result.heldSignal).toBe('SIGINT');
    expect(files.map((file) => fs.readFileSync(file.path, 'utf8'))).toEqual(['new a', 'new b', 'new c']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('replaces nothing when one file cannot be written, and leaves no temporary files', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a'), 'old');
    fs.mkdirSync(path.join(dir, 'b'));
    const attempt = () =>
      writeAllOrNothing([
        { path: path.join(dir, 'a'), contents: 'new' },
        { path: path.join(dir, 'sub', 'c'), contents: 'new' },
        { path: path.join(dir, 'b'), contents: 'new' },
      ]);
    await expect(attempt()).rejects.toThrow(WriteError);
    await expect(attempt()).rejects.toThrow(/cannot write .*\/b: a folder is in the way/);
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('old');
    expect(fs.readdirSync(dir).sort()).toEqual(['a', 'b']);
  });
});

describe('file modes', () => {
  it('an existing file keeps its mode (group-writable included); a wanted mode replaces it', async () => {
    const dir = tmp();
    const kept = path.join(dir, 'kept');
    const script = path.join(dir, 'script.sh');
    fs.writeFileSync(kept, 'old');
    fs.chmodSync(kept, 0o664);
    fs.writeFileSync(script, 'old');
    fs.chmodSync(script, 0o600);
    await writeAllOrNothing([
      { path: kept, contents: 'new' },
      { path: script, contents: 'new', mode: 0o755 },
    ]);
    expect(fs.statSync(kept).mode & 0o777).toBe(0o664);
    expect(fs.statSync(script).mode & 0o777).toBe(0o755);
  });
});

describe('modeToWrite', () => {
  it('keeps the disk mode unless it lacks a wanted bit or opens a private file', () => {
    expect(modeToWrite(0o100664, undefined)).toBe(0o664);
    expect(modeToWrite(undefined, undefined)).toBeUndefined();
    expect(modeToWrite(undefined, 0o755)).toBe(0o755);
    expect(modeToWrite(0o100775, 0o755)).toBe(0o775); // umask 002: still executable, left alone
    expect(modeToWrite(0o100664, 0o755)).toBe(0o755); // not executable: made so
    expect(modeToWrite(0o100600, 0o600)).toBe(0o600);
    expect(modeToWrite(0o100660, 0o600)).toBe(0o600); // a private file is not left open to the group
  });
});
