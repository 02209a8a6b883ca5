/**
 * doctor against `nginx -t` on the same generated configuration: N server blocks (10,000 by
 * default), each a hand-made Django site with a static location and a proxied one; every
 * fourth static location has the off-by-slash alias and a listing, so the report is large
 * (findings were what made doctor quadratic). Both run interleaved, `rounds` times each; the
 * ratio is of the medians. doctor's peak memory is its own getrusage maxRSS (a Node wrapper
 * runs the installed CLI's command in-process and reports it).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stats } from './generation.js';

export interface DoctorResults {
  date: string;
  node: string;
  nginx: string;
  servers: number;
  /** Lines of the generated file. */
  lines: number;
  findings: number;
  doctorSeconds: number[];
  nginxSeconds: number[];
  /** doctor's peak resident memory per run, MB. */
  doctorMaxRssMb: number[];
  loadAverage: [number, number];
}

/** The server blocks; `nginx -t` needs each name and port, so a few hundred ports are shared. */
export function doctorBenchConfig(servers: number): string {
  const blocks: string[] = [];
  for (let i = 0; i < servers; i++) {
    const slash = i % 4 === 0 ? '' : '/';
    blocks.push(
      `server {\n    listen 127.0.0.1:${20_000 + (i % 200)};\n    server_name site${i}.example.com;\n    server_tokens off;\n\n` +
        `    location /static${slash} {\n${slash ? '' : '        autoindex on;\n'}        alias /srv/site${i}/staticfiles/;\n        location ~ /\\. { return 404; }\n    }\n\n` +
        `    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header Host $http_host;\n        proxy_set_header X-Forwarded-Proto $scheme;\n    }\n}\n`,
    );
  }
  return blocks.join('');
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

export function measureDoctor(options: { cli: string; servers: number; rounds: number; log: (line: string) => void }): DoctorResults {
  const { cli, servers, rounds, log } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-bench-doctor-'));
  try {
    const site = path.join(dir, 'sites.conf');
    fs.writeFileSync(site, doctorBenchConfig(servers));
    fs.mkdirSync(path.join(dir, 'logs'));
    // The same file as nginx reads it: inside http, with room for that many names and ports.
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `events { worker_connections 4096; }\nhttp {\n    access_log off; client_body_temp_path body; proxy_temp_path proxy; fastcgi_temp_path fastcgi; uwsgi_temp_path uwsgi; scgi_temp_path scgi;\n    server_names_hash_max_size 65536; server_names_hash_bucket_size 128;\n    include sites.conf;\n}\n`,
    );
    const nginxArgs = ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'logs/error.log'), '-g', `pid ${dir}/nginx.pid;`];
    // Runs the CLI's doctor command in a child Node and prints its findings count and peak RSS.
    const wrapper = path.join(dir, 'measure.mjs');
    fs.writeFileSync(
      wrapper,
      `process.argv.splice(2, 0, 'doctor', '--nginx', ${JSON.stringify(site)}, '--format', 'json');\nprocess.on('exit', () => process.stderr.write('\\n[measure] ' + process.resourceUsage().maxRSS + '\\n'));\nawait import(${JSON.stringify(cli)});\n`,
    );
    const results: DoctorResults = {
      date: new Date().toISOString(),
      node: process.version,
      nginx: spawnSync('nginx', ['-v'], { encoding: 'utf8' })
        .stderr.trim()
        .replace(/^nginx version: /, ''),
      servers,
      lines: fs.readFileSync(site, 'utf8').split('\n').length - 1,
      findings: 0,
      doctorSeconds: [],
      nginxSeconds: [],
      doctorMaxRssMb: [],
      loadAverage: [os.loadavg()[0]!, 0],
    };
    for (let round = 1; round <= rounds; round++) {
      let start = process.hrtime.bigint();
      const nginx = spawnSync('nginx', nginxArgs, { encoding: 'utf8' });
      results.nginxSeconds.push(seconds(start));
      if (nginx.status !== 0) throw new Error(`nginx -t rejected the bench configuration: ${nginx.stderr}`);
      start = process.hrtime.bigint();
      const doctor = spawnSync(process.execPath, [wrapper], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
      results.doctorSeconds.push(seconds(start));
      const rss = /\[measure\] (\d+)/.exec(doctor.stderr);
      if (doctor.status !== 1 || !rss) throw new Error(`doctor did not report findings (exit ${doctor.status}): ${doctor.stderr.slice(-1000)}`);
      results.doctorMaxRssMb.push(Number(rss[1]) / 1024);
      results.findings = (JSON.parse(doctor.stdout) as { findings: unknown[] }).findings.length;
      log(
        `doctor round ${round}/${rounds}: nginx -t ${results.nginxSeconds.at(-1)!.toFixed(2)} s, doctor ${results.doctorSeconds.at(-1)!.toFixed(2)} s, ${results.doctorMaxRssMb.at(-1)!.toFixed(0)} MB`,
      );
    }
    results.loadAverage[1] = os.loadavg()[0]!;
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** doctor's median over nginx -t's median. */
export const doctorRatio = (run: DoctorResults) => stats(run.doctorSeconds).median / stats(run.nginxSeconds).median;
