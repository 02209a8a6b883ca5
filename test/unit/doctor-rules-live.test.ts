/**
 * The rule classes whose harm a request shows, on a real nginx (Debian's, private, loopback):
 * for each, a failing and a passing fragment in one site. doctor must report the failing one
 * (that rule, inside the fragment's lines) and not the passing one, and the live answers must
 * show the harm on the first and not on the second.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, type ProbeResponse } from '../../lib/probe/http-probe.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import type { Finding } from '../../lib/doctor/finding.js';
import { startLiveNginx, type LiveNginx } from '../fixtures/live-nginx.js';

const PORT = 19372; // this range: 19300-19399
const ECHO = 19373; // stands in for gunicorn: answers with the headers it received
const INTERNAL = 19374; // an internal service nginx must not be made to fetch

type Get = (rawPath: string, headers?: Record<string, string>) => Promise<ProbeResponse>;

interface Case {
  rule: string;
  /** Server-level text (one server per case: its own server_name), {W} is the files folder. */
  bad: string;
  good: string;
  /** Asserts the harm on the failing server and its absence on the passing one. */
  live(bad: Get, good: Get): Promise<void>;
}

const proxy = `proxy_pass http://127.0.0.1:${ECHO};`;

const CASES: Case[] = [
  {
    rule: 'add-header-dropped',
    bad: 'add_header X-Frame-Options DENY always;\n    location /a {\n        if ($arg_debug) { add_header X-Debug 1; }\n        return 200 "ok";\n    }',
    good: 'add_header X-Frame-Options DENY always;\n    location /a {\n        if ($arg_debug) { add_header X-Frame-Options DENY always; add_header X-Debug 1; }\n        return 200 "ok";\n    }',
    async live(bad, good) {
      expect((await bad('/a')).headers.get('x-frame-options')).toEqual(['DENY']);
      expect((await bad('/a?debug=1')).headers.get('x-frame-options')).toBeUndefined(); // the if branch lost it
      expect((await good('/a?debug=1')).headers.get('x-frame-options')).toEqual(['DENY']);
    },
  },
  {
    rule: 'hsts-wrong-layer',
    bad: `location / {\n        ${proxy}\n        proxy_set_header Strict-Transport-Security "max-age=60";\n    }`,
    good: `location / {\n        ${proxy}\n        add_header Strict-Transport-Security "max-age=60" always;\n    }`,
    async live(bad, good) {
      const response = await bad('/');
      expect(response.headers.get('strict-transport-security')).toBeUndefined();
      expect(response.body).toContain('sts=max-age=60'); // the app got it, as a request header
      expect((await good('/')).headers.get('strict-transport-security')).toEqual(['max-age=60']);
    },
  },
  {
    rule: 'acme-challenge-blocked',
    bad: 'location ~ /\\. { deny all; }\n    location /.well-known/acme-challenge/ { alias {W}/acme/; }',
    good: 'location ~ /\\. { deny all; }\n    location ^~ /.well-known/acme-challenge/ { alias {W}/acme/; }',
    async live(bad, good) {
      expect((await bad('/.well-known/acme-challenge/token')).status).toBe(403);
      expect((await good('/.well-known/acme-challenge/token')).body).toBe('acme token\n');
    },
  },
  {
    rule: 'proxy-ssrf',
    bad: 'location /fetch/ { proxy_pass http://$arg_host; }',
    good: 'location /fetch/ { internal; proxy_pass http://$arg_host; }',
    async live(bad, good) {
      expect((await bad(`/fetch/?host=127.0.0.1:${INTERNAL}`)).body).toBe('internal secret');
      expect((await good(`/fetch/?host=127.0.0.1:${INTERNAL}`)).status).toBe(404);
    },
  },
  {
    rule: 'allow-without-deny',
    bad: 'location /private/ { allow 10.1.2.3; alias {W}/private/; }',
    good: 'location /private/ { allow 10.1.2.3; deny all; alias {W}/private/; }',
    async live(bad, good) {
      expect((await bad('/private/data.txt')).status).toBe(200); // from 127.0.0.1, not 10.1.2.3
      expect((await good('/private/data.txt')).status).toBe(403);
    },
  },
  {
    rule: 'valid-referers-none',
    bad: 'location /private/ {\n        valid_referers none example.com;\n        if ($invalid_referer) { return 403; }\n        alias {W}/private/;\n    }',
    good: 'location /private/ {\n        valid_referers example.com;\n        if ($invalid_referer) { return 403; }\n        alias {W}/private/;\n    }',
    async live(bad, good) {
      expect((await bad('/private/data.txt')).status).toBe(200); // no Referer at all: let through
      expect((await good('/private/data.txt')).status).toBe(403);
    },
  },
  {
    rule: 'origin-regex',
    bad: 'location / {\n        if ($http_referer !~ \'^https://example.com/\') { return 403; }\n        return 200 "ok";\n    }',
    good: 'location / {\n        if ($http_referer !~ \'^https://example\\.com/\') { return 403; }\n        return 200 "ok";\n    }',
    async live(bad, good) {
      const evil = { Referer: 'https://exampleXcom/' };
      expect((await bad('/', evil)).status).toBe(200);
      expect((await good('/', evil)).status).toBe(403);
      expect((await good('/', { Referer: 'https://example.com/page' })).status).toBe(200);
    },
  },
  {
    rule: 'http-splitting',
    bad: 'location /split/ { add_header X-Uri $uri always; return 200 "ok"; }',
    good: 'location /split/ { add_header X-Uri $request_uri always; return 200 "ok"; }',
    async live(bad, good) {
      const attack = '/split/%0d%0aSet-Cookie:%20sessionid=attacker';
      expect((await bad(attack)).headers.get('set-cookie')).toEqual(['sessionid=attacker']);
      expect((await good(attack)).headers.get('set-cookie')).toBeUndefined();
    },
  },
  {
    rule: 'add-header-content-type',
    bad: 'location /t { add_header Content-Type text/plain; return 200 "ok"; }',
    good: 'location /t { default_type text/plain; return 200 "ok"; }',
    async live(bad, good) {
      expect((await bad('/t')).headers.get('content-type')?.length).toBe(2);
      expect((await good('/t')).headers.get('content-type')).toEqual(['text/plain']);
    },
  },
  {
    rule: 'forwarded-proto-from-client',
    bad: `location / {\n        ${proxy}\n        proxy_set_header X-Forwarded-Proto $proto_from_client;\n    }`,
    good: `location / {\n        ${proxy}\n        proxy_set_header X-Forwarded-Proto $scheme;\n    }`,
    async live(bad, good) {
      const spoof = { 'X-Forwarded-Proto': 'https' };
      expect((await bad('/', spoof)).body).toContain('proto=https'); // plain HTTP, and the app is told HTTPS
      expect((await good('/', spoof)).body).toContain('proto=http ');
    },
  },
];

let nginx: LiveNginx;
const found = new Map<string, { bad: Finding[]; good: Finding[] }>();

beforeAll(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-rules-live-'));
  for (const [name, text] of Object.entries({ 'www/acme/token': 'acme token\n', 'www/private/data.txt': 'data\n' })) {
    fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    fs.writeFileSync(path.join(work, name), text);
  }
  for (const dir of ['', 'www', 'www/acme', 'www/private']) fs.chmodSync(path.join(work, dir), 0o755);
  const lines = [
    'map $http_x_forwarded_proto $proto_from_client { default $http_x_forwarded_proto; "" $scheme; }',
    `server { listen 127.0.0.1:${ECHO}; location / { return 200 "proto=$http_x_forwarded_proto sts=$http_strict_transport_security"; } }`,
    `server { listen 127.0.0.1:${INTERNAL}; location / { return 200 "internal secret"; } }`,
    `server { listen 127.0.0.1:${PORT} default_server; server_name _; return 404; }`,
  ];
  const ranges: { rule: string; kind: 'bad' | 'good'; from: number; to: number }[] = [];
  CASES.forEach((c, i) => {
    for (const kind of ['bad', 'good'] as const) {
      const from = lines.length + 1;
      lines.push(...`server {\n    listen 127.0.0.1:${PORT};\n    server_name ${kind}${i}.test;\n    ${c[kind].replaceAll('{W}', path.join(work, 'www'))}\n}`.split('\n'));
      ranges.push({ rule: c.rule, kind, from, to: lines.length });
    }
  });
  const site = path.join(work, 'site.conf');
  fs.writeFileSync(site, `${lines.join('\n')}\n`);
  const findings = diagnose(gatherFacts({ root: work, nginx: 'site.conf' }));
  for (const c of CASES) found.set(c.rule, { bad: [], good: [] });
  for (const range of ranges) {
    found.get(range.rule)![range.kind].push(...findings.filter((f) => f.rule === range.rule && f.line >= range.from && f.line <= range.to));
  }
  nginx = await startLiveNginx(`include ${site};`, PORT);
});

afterAll(async () => nginx?.stop());

const getAs =
  (host: string): Get =>
  (rawPath, headers = {}) =>
    send(PORT, { method: 'GET', path: rawPath, headers: { Host: host, ...headers } });

describe('rule classes on a live nginx', () => {
  CASES.forEach((c, i) => {
    it(`${c.rule}: reported on the failing fragment, not the passing one; the server shows the difference`, async () => {
      expect(found.get(c.rule)!.bad.length, JSON.stringify(found.get(c.rule))).toBeGreaterThan(0);
      expect(found.get(c.rule)!.good).toEqual([]);
      await c.live(getAs(`bad${i}.test`), getAs(`good${i}.test`));
    });
  });
});
