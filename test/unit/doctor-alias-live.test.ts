/**
 * Every form of the alias traversal, each proven on a real nginx (Debian's, run privately on
 * loopback): what doctor says statically must be what the server does. A folder "home" is
 * served; beside it lie "home_backup/secret.txt" (a sibling whose name starts with "home") and
 * "secret.txt" (in the folder above). Positives must leak what doctor says they leak, at the
 * severity it gives; negatives must be quiet in doctor and answer 404 to the same attack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../lib/probe/http-probe.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import type { Finding } from '../../lib/doctor/finding.js';
import { startLiveNginx, type LiveNginx } from '../fixtures/live-nginx.js';

const PORT = 19371; // this range: 19300-19399

interface Form {
  name: string;
  block: string;
  attack: string;
  /** What the attack reads when it leaks; undefined: it must be a 404. */
  leaks?: 'parent' | 'sibling' | 'file-sibling';
  severity?: 'high' | 'medium' | 'low';
  /** Words the finding's message must hold. */
  says?: RegExp;
}

const FORMS: Form[] = [
  { name: 'prefix without "/", alias with: parent escape', block: 'location /a { alias {W}/home/; }', attack: '/a../secret.txt', leaks: 'parent', severity: 'high', says: /parent escape/ },
  { name: 'both with "/": safe from the parent escape', block: 'location /b/ { alias {W}/home/; }', attack: '/b../secret.txt' },
  { name: 'neither with "/": sibling-prefix read', block: 'location /c { alias {W}/home; }', attack: '/c_backup/secret.txt', leaks: 'sibling', severity: 'medium', says: /sibling-prefix/ },
  { name: 'both with "/": safe from the sibling read', block: 'location /d/ { alias {W}/home/; }', attack: '/d_backup/secret.txt' },
  {
    name: 'prefix with "/", alias without: a sibling read, not a parent escape',
    block: 'location /e/ { alias {W}/home; }',
    attack: '/e/_backup/secret.txt',
    leaks: 'sibling',
    severity: 'medium',
    says: /normalised away, no parent escape/,
  },
  {
    name: 'regex capture mid-segment, alias with "/": parent escape',
    block: 'location ~ ^/f(.*)$ { alias {W}/home/$1; }',
    attack: '/f../secret.txt',
    leaks: 'parent',
    severity: 'high',
    says: /parent escape/,
  },
  { name: 'regex capture after "/", alias with "/": safe', block: 'location ~ ^/g/(.*)$ { alias {W}/home/$1; }', attack: '/g../secret.txt' },
  {
    name: 'regex capture glued to the alias: sibling-prefix read',
    block: 'location ~ ^/h/(.*)$ { alias {W}/home$1; }',
    attack: '/h/_backup/secret.txt',
    leaks: 'sibling',
    severity: 'medium',
    says: /sibling-prefix/,
  },
  {
    name: 'one file through a prefix location: its name-prefixed siblings',
    block: 'location /robots.txt { alias {W}/home/robots.txt; }',
    attack: '/robots.txt.bak',
    leaks: 'file-sibling',
    severity: 'low',
    says: /location = \/robots\.txt/,
  },
  { name: 'one file through an exact location: safe', block: 'location = /favicon.ico { alias {W}/home/favicon.ico; }', attack: '/favicon.ico.bak' },
];

const SECRETS = { parent: 'parent secret\n', sibling: 'sibling secret\n', 'file-sibling': 'robots backup\n' } as const;

let nginx: LiveNginx;
let findings: Finding[];
let site: string;

beforeAll(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-alias-'));
  const files: Record<string, string> = {
    'www/home/ok.txt': 'inside\n',
    'www/home/robots.txt': 'User-agent: *\n',
    'www/home/robots.txt.bak': SECRETS['file-sibling'],
    'www/home/favicon.ico': 'icon\n',
    'www/home/favicon.ico.bak': 'icon backup\n',
    'www/home_backup/secret.txt': SECRETS.sibling,
    'www/secret.txt': SECRETS.parent,
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    fs.writeFileSync(path.join(work, name), text);
  }
  for (const dir of [work, 'www', 'www/home', 'www/home_backup'].map((d) => path.resolve(work, d))) fs.chmodSync(dir, 0o755); // nginx's workers run as another user
  const blocks = FORMS.map((form) => `    ${form.block.replaceAll('{W}', path.join(work, 'www'))}`).join('\n');
  site = path.join(work, 'site.conf');
  fs.writeFileSync(site, `server {\n    listen 127.0.0.1:${PORT};\n    server_name localhost;\n    server_tokens off;\n${blocks}\n}\n`);
  findings = diagnose(gatherFacts({ root: work, nginx: 'site.conf' })).filter((f) => f.rule === 'alias-traversal');
  nginx = await startLiveNginx(`include ${site};`, PORT);
});

afterAll(async () => nginx?.stop());

const get = (rawPath: string) => send(PORT, { method: 'GET', path: rawPath, headers: { Host: 'localhost' } });

describe('alias traversal on a live nginx', () => {
  it('every form is in the site, one location a line, and the served folder answers', async () => {
    expect((await get('/b/ok.txt')).body).toBe('inside\n');
    expect(FORMS.length).toBe(10);
  });

  FORMS.forEach((form, i) => {
    const line = 5 + i;
    it(`${form.name}: ${form.block.replace('{W}', '…')}`, async () => {
      const response = await get(form.attack);
      const hits = findings.filter((f) => f.line === line);
      if (form.leaks) {
        expect([response.status, response.body], form.attack).toEqual([200, SECRETS[form.leaks]]);
        expect(hits.map((f) => f.severity)).toEqual([form.severity]);
        expect(hits[0]!.message).toMatch(form.says!);
        // The message names the request that leaks, as sent here.
        expect(hits[0]!.message).toContain(form.attack.replace(/secret\.txt$|robots\.txt\.bak$/, '').replace(/\/$/, ''));
      } else {
        expect(response.status, `${form.attack}: ${response.body.slice(0, 80)}`).toBe(404);
        expect(hits).toEqual([]);
      }
    });
  });

  it('on "location /e/ { alias …/home; }" the "../" request is normalised by nginx: no parent escape, as doctor says', async () => {
    expect((await get('/e/../secret.txt')).status).toBe(404);
    // ...and the folder's own files are not what it serves: "/e/ok.txt" reads ".../homeok.txt".
    expect((await get('/e/ok.txt')).status).toBe(404);
  });
});
