/**
 * The proxy-header rules agree with each other and with the project's SECURE_PROXY_SSL_HEADER:
 * whether Django trusts X-Forwarded-Proto ("https") or X-Forwarded-Ssl ("on"), no two findings
 * suggest different values for one header (X-Forwarded-Ssl "" from gunicorn's rule against
 * $scheme from Django's undid each other), every suggestion sends what Django takes as HTTPS,
 * and applying them all leaves none of these rules with anything to say.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import type { Finding } from '../../lib/doctor/finding.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';

const HEADER_RULES = ['forwarded-proto-from-client', 'forwarded-passthrough', 'django-proxy-settings', 'tls-proto-missing'];

const FORMS = {
  'X-Forwarded-Proto': { setting: 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n', header: 'x-forwarded-proto', value: '$scheme' },
  'X-Forwarded-Ssl': { setting: 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_SSL", "on")\n', header: 'x-forwarded-ssl', value: '$https' },
} as const;

/** TLS at nginx, gunicorn on loopback (so it trusts nginx's scheme headers); {HEADERS} are the location's own. */
const site = (headers: string) =>
  `server {\n    listen 443 ssl;\n    server_name example.com;\n    server_tokens off;\n    ssl_certificate /etc/ssl/site.pem;\n    ssl_certificate_key /etc/ssl/site.key;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header Host $http_host;\n${headers}    }\n}\n`;

const SITES = {
  'nothing but Host': '',
  'X-Forwarded-Proto $scheme only': '        proxy_set_header X-Forwarded-Proto $scheme;\n',
  'both copied from the client': '        proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;\n        proxy_set_header X-Forwarded-Ssl $http_x_forwarded_ssl;\n',
  'X-Forwarded-Ssl cleared': '        proxy_set_header X-Forwarded-Proto $scheme;\n        proxy_set_header X-Forwarded-Ssl "";\n        proxy_set_header X-Forwarded-Protocol "";\n',
};

function project(form: keyof typeof FORMS, headers: string): string {
  const root = handMadeProject(`${handMadeSettings('staticfiles')}${FORMS[form].setting}`);
  fs.writeFileSync(path.join(root, 'site.conf'), site(headers));
  return root;
}

const findingsOf = (root: string) => diagnose(gatherFacts({ root, nginx: 'site.conf' })).filter((f) => HEADER_RULES.includes(f.rule));

/** header (lower case) -> every value the findings' fixes set it to, with the rule that suggests it. */
function suggestions(findings: Finding[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const finding of findings)
    for (const fix of finding.fixes ?? [])
      for (const edit of fix.edits)
        for (const line of edit.insert) {
          const [directive, name, ...value] = line.trim().replace(/;$/, '').split(/\s+/);
          if (directive !== 'proxy_set_header') continue;
          const key = name!.toLowerCase();
          out.set(key, new Set([...(out.get(key) ?? []), `${value.join(' ')}`]));
        }
  return out;
}

describe.each(Object.keys(FORMS) as (keyof typeof FORMS)[])('SECURE_PROXY_SSL_HEADER trusts %s', (form) => {
  const { header, value } = FORMS[form];

  it.each(Object.keys(SITES) as (keyof typeof SITES)[])('%s: one value per header, the trusted one set to what Django takes as HTTPS, and all fixes together leave nothing', async (shape) => {
    const root = project(form, SITES[shape]);
    const findings = findingsOf(root);
    const suggested = suggestions(findings);
    for (const [name, values] of suggested) expect([...values], `${name}: ${findings.map((f) => `${f.rule}: ${f.message}`).join('\n')}`).toHaveLength(1);
    if (suggested.has(header)) expect([...suggested.get(header)!]).toEqual([value]);

    const dry = await runDoctor({ root, nginx: 'site.conf', fixDryRun: true, failOn: 'low' });
    expect(dry.messages ?? []).toEqual([]); // nothing left out as "not both"
    const fixed = await runDoctor({ root, nginx: 'site.conf', fix: true, failOn: 'low' });
    expect(fixed.exitCode).not.toBe(2);
    const left = findingsOf(root);
    expect(left.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    const text = fs.readFileSync(path.join(root, 'site.conf'), 'utf8');
    if (shape !== 'X-Forwarded-Proto $scheme only' || form !== 'X-Forwarded-Proto') expect(text).toMatch(new RegExp(`proxy_set_header ${form} \\${value};`, 'i'));
  });
});

describe('the two forms, one at a time', () => {
  it("Django trusting X-Forwarded-Ssl: the client's own X-Forwarded-Ssl is the high finding, fixed to $https, never cleared", () => {
    const findings = findingsOf(project('X-Forwarded-Ssl', SITES['both copied from the client']));
    const ssl = findings.filter((f) => f.message.startsWith('X-Forwarded-Ssl'));
    expect(ssl.map((f) => [f.rule, f.severity])).toEqual([['forwarded-proto-from-client', 'high']]);
    expect(ssl[0]!.message).toMatch(/SECURE_PROXY_SSL_HEADER \(mysite\/settings\.py:\d+\) trusts it as HTTPS/);
    expect(ssl[0]!.diff).toContain('+        proxy_set_header X-Forwarded-Ssl $https;');
    expect(findings.map((f) => f.diff ?? '').join('\n')).not.toMatch(/X-Forwarded-Ssl ""/);
  });

  it('Django trusting X-Forwarded-Ssl, nginx not setting it: django-proxy-settings adds it as $https (not $scheme, which sends "https", never "on")', () => {
    const findings = findingsOf(project('X-Forwarded-Ssl', SITES['X-Forwarded-Proto $scheme only']));
    const proxy = findings.find((f) => f.rule === 'django-proxy-settings')!;
    expect(proxy.message).toMatch(/trusts x-forwarded-ssl/);
    expect(proxy.diff).toContain('+        proxy_set_header X-Forwarded-Ssl $https;');
    expect(findings.filter((f) => f.rule === 'forwarded-passthrough').map((f) => f.message)).toEqual([expect.stringMatching(/passes the client's X-Forwarded-Protocol to gunicorn/)]);
  });

  it("Django trusting X-Forwarded-Proto: gunicorn's X-Forwarded-Ssl is cleared, and nothing sets it otherwise", () => {
    const findings = findingsOf(project('X-Forwarded-Proto', SITES['X-Forwarded-Proto $scheme only']));
    expect(findings.map((f) => f.rule)).toEqual(['forwarded-passthrough']);
    expect(findings[0]!.diff).toContain('+        proxy_set_header X-Forwarded-Ssl "";');
  });
});
