#!/usr/bin/env node
// doctor beside gixy, rule class by rule class, on gixy's own test configs and on our nginx
// corpus (test/corpus/nginx). Prints the Markdown tables docs/doctor.md shows.
//
//   npx tsc -p tsconfig.build.json   # doctor as built into dist/
//   node scripts/doctor-vs-gixy.mjs --gixy <gixy source folder> [--pythonpath <folder with pyparsing 2.x>]
//
// Nothing is fetched here: gixy's source (its tests/plugins/simply/ holds the test configs)
// and a pyparsing 2.x are folders you give. gixy needs pyparsing < 3 (with 3.x it silently
// skips http {} blocks); it runs on the system python3 (Debian's, with python3-jinja2, -six and
// -configargparse installed). A gixy test config is a fragment (a lone add_header, a location):
// doctor reads it inside `server { }`, and a fragment of location-only directives (proxy_pass,
// alias) inside `server { location / { } }`, as nginx would need; gixy reads it as it is.
// gixy's `https_only` option (origins: every trusted origin is https) has no doctor option:
// doctor knows it from the server serving HTTPS, so such a fragment goes inside
// `server { listen 443 ssl; }` for doctor, as gixy gets the option for it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const gixySource = option('--gixy');
if (!gixySource) {
  console.error('error: give --gixy <folder of gixy source>');
  process.exit(2);
}
const pythonPath = [option('--pythonpath'), gixySource].filter(Boolean).join(path.delimiter);
const { diagnose, gatherFacts } = await import(path.join(repo, 'dist/lib/doctor/run.js'));

/** gixy's plugin -> doctor's rule for the same class. */
export const CLASSES = {
  alias_traversal: 'alias-traversal',
  add_header_redefinition: 'add-header-dropped',
  add_header_multiline: 'add-header-multiline',
  add_header_content_type: 'add-header-content-type',
  host_spoofing: 'host-spoofing',
  http_splitting: 'http-splitting',
  ssrf: 'proxy-ssrf',
  valid_referers: 'valid-referers-none',
  origins: 'origin-regex',
  if_is_evil: 'if-in-location',
  resolver_external: 'resolver-external',
  allow_without_deny: 'allow-without-deny',
  version_disclosure: 'server-tokens',
};

/** A gixy test config's plugin options, from its first line ("# Options: {...}"). */
const optionsOf = (text) => (text.startsWith('# Options: ') ? JSON.parse(text.split('\n')[0].slice(10)) : {});

function gixy(file, plugin, followIncludes = false) {
  const text = fs.readFileSync(file, 'utf8');
  const flags = [];
  const options = optionsOf(text);
  if (options.domains) flags.push('--origins-domains', options.domains.join(','));
  if (options.https_only) flags.push('--origins-https-only', 'true');
  const run = spawnSync('/usr/bin/python3', ['-m', 'gixy.cli', '-f', 'json', ...(followIncludes ? [] : ['--disable-includes']), ...(plugin ? ['--tests', plugin] : []), ...flags, file], {
    env: { ...process.env, PYTHONPATH: pythonPath },
    encoding: 'utf8',
  });
  if (run.error || !run.stdout.trim().startsWith('[')) throw new Error(`gixy on ${file}: ${run.stderr || run.error}`);
  return JSON.parse(run.stdout);
}

const top = (text) =>
  text
    .split('\n')
    .filter((l) => /^\S/.test(l) && !l.startsWith('#'))
    .map((l) => l.split(/[\s{(]/)[0]);

function doctor(file) {
  const text = fs.readFileSync(file, 'utf8');
  const names = top(text);
  const { https_only: httpsOnly } = optionsOf(text);
  // Only what nginx allows in a location alone (proxy_pass, alias) goes into one.
  const inLocation = !names.includes('location') && (names.includes('proxy_pass') || names.includes('alias'));
  const server = httpsOnly ? 'server {\nlisten 443 ssl;\n' : 'server {\n';
  const wrapped = names.includes('http') || names.includes('server') ? text : inLocation ? `${server}location / {\n${text}\n}\n}\n` : `${server}${text}\n}\n`;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-vs-gixy-'));
  fs.writeFileSync(path.join(folder, 'site.conf'), wrapped);
  try {
    return diagnose(gatherFacts({ root: folder, nginx: 'site.conf' }));
  } catch (error) {
    return [{ rule: 'error', message: error.message }];
  }
}

// gixy's test configs: a positive is a file not ending in _fp.conf. One negative is a real read
// on live nginx (test/unit/doctor-alias-live.test.ts): doctor flagging it is not a false alarm.
const REAL_ON_LIVE_NGINX = new Set(['alias_traversal/not_slashed_alias_fp.conf']);
const simply = path.join(gixySource, 'tests/plugins/simply');
const rows = [];
for (const [plugin, rule] of Object.entries(CLASSES)) {
  const dir = path.join(simply, plugin);
  const row = { plugin, rule, positives: 0, negatives: 0, gixyFound: 0, gixyFalse: 0, doctorFound: 0, doctorFalse: 0, missed: [], falseAlarms: [] };
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.conf'))
    .sort()) {
    const file = path.join(dir, name);
    const positive = !name.endsWith('_fp.conf');
    const byGixy = gixy(file, plugin).length > 0;
    const byDoctor = doctor(file).some((f) => f.rule === rule);
    row[positive ? 'positives' : 'negatives']++;
    if (positive) {
      if (byGixy) row.gixyFound++;
      if (byDoctor) row.doctorFound++;
      else row.missed.push(name);
    } else {
      if (byGixy) row.gixyFalse++;
      if (byDoctor && REAL_ON_LIVE_NGINX.has(`${plugin}/${name}`)) row.falseAlarms.push(`${name} (a real read on live nginx)`);
      else if (byDoctor) {
        row.doctorFalse++;
        row.falseAlarms.push(name);
      }
    }
  }
  rows.push(row);
}
console.log("### gixy's own test configs (tests/plugins/simply)\n");
console.log('| class (gixy / doctor) | positives | doctor found | gixy found | negatives | doctor false positives | gixy false positives | doctor missed / flagged |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.plugin} / ${r.rule} | ${r.positives} | ${r.doctorFound} | ${r.gixyFound} | ${r.negatives} | ${r.doctorFalse} | ${r.gixyFalse} | ${[...r.missed.map((n) => `missed ${n}`), ...r.falseAlarms.map((n) => `flagged ${n}`)].join(', ')} |`,
  );
}

// The corpus: doctor's findings against labels.json, gixy's reports against the same judgement.
const corpus = path.join(repo, 'test/corpus/nginx');
const labels = JSON.parse(fs.readFileSync(path.join(corpus, 'labels.json'), 'utf8'));
const gixyLabels = JSON.parse(fs.readFileSync(path.join(corpus, 'gixy-labels.json'), 'utf8'));
const tally = new Map();
const bump = (rule, key) => {
  const t = tally.get(rule) ?? { doctorTrue: 0, doctorFalse: 0, gixyTrue: 0, gixyFalse: 0, unlabelled: [] };
  t[key]++;
  tally.set(rule, t);
  return t;
};
const reverse = Object.fromEntries(Object.entries(CLASSES).map(([p, r]) => [r, p]));
for (const name of fs
  .readdirSync(corpus)
  .filter((n) => n.endsWith('.conf'))
  .sort()) {
  const file = path.join(corpus, name);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-vs-gixy-'));
  for (const f of diagnose(gatherFacts({ root: empty, nginx: file }))) {
    const key = path.basename(f.file) === name ? `${f.rule}@${f.line}` : `${f.rule}@${path.basename(f.file)}:${f.line}`;
    const label = labels[name]?.[key];
    if (!label) bump(f.rule, 'doctorTrue').unlabelled.push(`${name} ${key}`);
    else bump(f.rule, label.true ? 'doctorTrue' : 'doctorFalse');
  }
  for (const issue of gixy(file, undefined, true)) {
    const rule = CLASSES[issue.plugin] ?? issue.plugin;
    const label = gixyLabels[name]?.[issue.plugin];
    if (label === undefined) bump(rule, 'gixyTrue').unlabelled.push(`${name} gixy ${issue.plugin}`);
    else bump(rule, label ? 'gixyTrue' : 'gixyFalse');
  }
}
console.log('\n### The corpus (test/corpus/nginx, 23 configs)\n');
console.log('| class (doctor / gixy) | doctor found | doctor false positives | gixy found | gixy false positives |');
console.log('|---|---|---|---|---|');
let sum = { doctorTrue: 0, doctorFalse: 0, gixyTrue: 0, gixyFalse: 0 };
for (const [rule, t] of [...tally].sort()) {
  console.log(`| ${rule}${reverse[rule] ? ` / ${reverse[rule]}` : ''} | ${t.doctorTrue + t.doctorFalse} | ${t.doctorFalse} | ${t.gixyTrue + t.gixyFalse} | ${t.gixyFalse} |`);
  for (const key of Object.keys(sum)) sum[key] += t[key];
  if (t.unlabelled.length) console.error(`unlabelled: ${t.unlabelled.join(', ')}`);
}
console.log(`| **all** | ${sum.doctorTrue + sum.doctorFalse} | ${sum.doctorFalse} | ${sum.gixyTrue + sum.gixyFalse} | ${sum.gixyFalse} |`);
