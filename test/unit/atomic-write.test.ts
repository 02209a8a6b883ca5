import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAllOrNothing, WriteError } from '../../lib/regen/atomic-write.js';

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
