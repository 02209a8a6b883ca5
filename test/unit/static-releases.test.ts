/**
 * docker/static_releases.py as generated, run for real with python3 on folders laid out as
 * collectstatic leaves them: Swarm's build bridges the hashed files of the N releases before
 * this one from the previous static image's folder; on one host the volume keeps every file
 * until prune, which removes only the hashed files of releases older than the current and N.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES, STATIC_RELEASES_DIR } from '../../lib/config/names.js';
import { startproject } from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const script = (keepReleases?: number) => {
  const { output } = renderAll(startproject(), keepReleases === undefined ? {} : { keepReleases });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'static-releases-')), 'static_releases.py');
  fs.writeFileSync(file, output.get(GENERATED_FILES.staticReleases)!);
  return file;
};
const DEFAULT = script();

function run(file: string, ...args: string[]) {
  const result = spawnSync('python3', [file, ...args], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

/** What collectstatic and compress_static.py leave for release `n`: site.css and app.js, hashed (with a .gz), and the manifest. */
function collect(root: string, n: number) {
  const paths = { 'css/site.css': `css/site.v${n}.css`, 'js/app.js': `js/app.v${n}.js`, 'admin/base.css': 'admin/base.same.css' };
  for (const [original, hashed] of Object.entries(paths)) {
    for (const name of [original, hashed, `${hashed}.gz`]) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), `release ${n}`);
    }
  }
  fs.writeFileSync(path.join(root, 'staticfiles.json'), JSON.stringify({ paths, version: '1.1' }));
}

const files = (root: string) => (fs.readdirSync(root, { recursive: true }) as string[]).filter((name) => fs.statSync(path.join(root, name)).isFile() && !name.startsWith(STATIC_RELEASES_DIR)).sort();
const releases = (root: string) => JSON.parse(fs.readFileSync(path.join(root, STATIC_RELEASES_DIR, 'index.json'), 'utf8')) as string[];
const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'static-root-'));

describe('static_releases.py', () => {
  it("Swarm: each release's image carries the hashed files of the 2 releases before it, and no older ones", () => {
    let previous = temp(); // the first release's stand-in: nginx's empty folder
    for (let n = 1; n <= 4; n++) {
      const root = temp();
      collect(root, n);
      run(DEFAULT, 'record', root, '--previous', previous);
      previous = root;
    }
    const hashed = files(previous).filter((name) => /\.v\d\./.test(name));
    expect(hashed).toEqual([
      'css/site.v2.css',
      'css/site.v2.css.gz',
      'css/site.v3.css',
      'css/site.v3.css.gz',
      'css/site.v4.css',
      'css/site.v4.css.gz',
      'js/app.v2.js',
      'js/app.v2.js.gz',
      'js/app.v3.js',
      'js/app.v3.js.gz',
      'js/app.v4.js',
      'js/app.v4.js.gz',
    ]);
    expect(releases(previous)).toHaveLength(3);
    // The unhashed names are the current release's, never an earlier one's.
    expect(fs.readFileSync(path.join(previous, 'css/site.css'), 'utf8')).toBe('release 4');
  });

  it('--keep-releases 0 bridges nothing: the image holds the current release only', () => {
    const keepNone = script(0);
    const first = temp();
    collect(first, 1);
    run(keepNone, 'record', first, '--previous', temp());
    const second = temp();
    collect(second, 2);
    expect(run(keepNone, 'record', second, '--previous', first)).toMatch(/plus 0 files of 0 earlier/);
    expect(files(second).some((name) => name.includes('.v1.'))).toBe(false);
  });

  it('one host: record keeps every earlier file; prune then removes only the releases beyond the current and 2 before it', () => {
    const volume = temp();
    const stray = path.join(volume, 'css', 'by-hand.css'); // a file no manifest names: never removed
    for (let n = 1; n <= 4; n++) {
      collect(volume, n);
      run(DEFAULT, 'record', volume);
      if (n === 1) fs.writeFileSync(stray, 'mine');
    }
    expect(releases(volume)).toHaveLength(4);
    expect(files(volume).filter((name) => name.includes('.v1.'))).toEqual(['css/site.v1.css', 'css/site.v1.css.gz', 'js/app.v1.js', 'js/app.v1.js.gz']);
    expect(run(DEFAULT, 'prune', volume)).toMatch(/kept 3 release\(s\) .*; removed 4 files of 1 older one\(s\)/);
    expect(
      files(volume)
        .filter((name) => /\.v\d\./.test(name))
        .map((name) => /\.v(\d)\./.exec(name)![1]),
    ).toEqual(['2', '2', '3', '3', '4', '4', '2', '2', '3', '3', '4', '4']);
    // A hashed name every release shares stays; so do the unhashed originals and the stray file.
    for (const kept of ['admin/base.same.css', 'admin/base.same.css.gz', 'css/site.css', 'js/app.js', 'css/by-hand.css']) expect(files(volume)).toContain(kept);
    expect(releases(volume)).toHaveLength(3);
    expect(fs.readdirSync(path.join(volume, STATIC_RELEASES_DIR))).toHaveLength(4); // three manifests and the index
    // Pruning again removes nothing more.
    expect(run(DEFAULT, 'prune', volume)).toMatch(/removed 0 files of 0 older/);
  });

  it('a release deployed again moves to the front instead of counting twice', () => {
    const volume = temp();
    for (const n of [1, 2, 1]) {
      collect(volume, n);
      run(DEFAULT, 'record', volume);
    }
    expect(releases(volume)).toHaveLength(2);
    run(DEFAULT, 'prune', volume, '--keep', '0');
    expect(files(volume).filter((name) => /\.v\d\./.test(name))).toEqual(['css/site.v1.css', 'css/site.v1.css.gz', 'js/app.v1.js', 'js/app.v1.js.gz']);
  });
});
