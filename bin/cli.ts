#!/usr/bin/env node
/**
 * The package's bin. The Node check comes first, in this small file left unbundled: the bundle
 * (bin/run.ts, see scripts/bundle-cli.mjs) carries Yeoman's code, which an older Node cannot even
 * load. Then `doctor` with only its own options runs straight from dist/lib/doctor,
 * without loading the single-file CLI (dist/bin/run.js: Yeoman's environment, both generators
 * and their libraries), which costs about 50 MB and a second before reading anything; at
 * 10,000 server blocks that was the difference between meeting doctor's 200 MB target and not.
 * Anything else (the generators, `--help`, an option doctor does not know, a stray argument)
 * goes to the full CLI, so help and usage errors stay exactly Yeoman's and ours as before.
 */
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { exitOnUnsupportedNode } from '../lib/supported-node.js';

exitOnUnsupportedNode();

const argv = process.argv.slice(2);

/** doctor's own options, as the generator declares them (generators/doctor/index.ts). */
const DOCTOR_OPTIONS = {
  nginx: { type: 'string' },
  'nginx-dump': { type: 'string' },
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  compose: { type: 'string' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  url: { type: 'string' },
  cwd: { type: 'string' },
} as const;

/** doctor's options when the command line is doctor's alone and well formed, else undefined. */
function plainDoctor(): ReturnType<typeof parseArgs<{ options: typeof DOCTOR_OPTIONS; strict: true; allowPositionals: false }>>['values'] | undefined {
  if (argv[0] !== 'doctor') return undefined;
  try {
    const { values } = parseArgs({ args: argv.slice(1), options: DOCTOR_OPTIONS, strict: true, allowPositionals: false });
    // A value that looks like an option (`--nginx --fix`) is the full CLI's usage error to report.
    if (Object.values(values).some((value) => typeof value === 'string' && value.startsWith('-') && value !== '-')) return undefined;
    if (values.cwd !== undefined && !fs.statSync(values.cwd, { throwIfNoEntry: false })?.isDirectory()) return undefined;
    return values;
  } catch {
    return undefined;
  }
}

const doctor = plainDoctor();
if (doctor) {
  // doctor builds one large tree that lives until the report: nearly everything it allocates
  // survives, and V8 then grows its young generation to 3 x 32 MB for nothing (at 10,000 server
  // blocks, 340 MB of peak memory instead of about 200). A young generation that stays small costs
  // a few more, quicker collections (docs/doctor.md: memory). V8 reads this flag when it would grow.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  if (doctor.cwd !== undefined) process.chdir(doctor.cwd);
  const { runDoctor } = await import('../lib/doctor/command.js');
  const outcome = await runDoctor({
    root: process.cwd(),
    nginx: doctor.nginx,
    nginxDump: doctor['nginx-dump'],
    format: doctor.format,
    failOn: doctor['fail-on'],
    url: doctor.url,
    compose: doctor.compose,
    fix: doctor.fix === true,
    fixDryRun: doctor['fix-dry-run'] === true,
    write: (chunk) => writeAll(chunk),
  });
  // As the generator prints it (generators/doctor/index.ts).
  if (outcome.error !== undefined) process.stderr.write(`error: ${outcome.error}\n`);
  for (const message of outcome.messages ?? []) process.stderr.write(`${message}\n`);
  process.stdout.write(outcome.output);
  process.exitCode = outcome.exitCode;
} else {
  // Compiling the 4 MB bundle is about a third of a generation run's CPU time; Node keeps the
  // compiled code on disk for the next run (a quiet cache: it never throws). In the user's own
  // cache folder, not Node's default in the shared temporary folder, where another user could
  // leave compiled code for this one to run. NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE
  // govern it as they govern Node.
  module.enableCompileCache(process.env['NODE_COMPILE_CACHE'] || path.join(process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'generator-django-static', 'compile-cache'));
  await import('./run.js');
}

/**
 * A report chunk straight to file descriptor 1, waiting while a pipe is full: process.stdout
 * queues what a pipe cannot take yet, and 15,000 findings queued were 40 MB held.
 */
function writeAll(chunk: string): void {
  if (writeAll.readerGone) return;
  let bytes = Buffer.from(chunk);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(fs.writeSync(1, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return void (writeAll.readerGone = true); // `doctor | head`: the reader has what it wanted
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // the reader is behind: let it catch up
    }
  }
}
/** Set once a write found the pipe closed (a function's property: a module `let` would not exist yet when the code above the declaration runs). */
writeAll.readerGone = false;
