/**
 * `npx generator-django-static [check|doctor|rollback] [options]` (loaded by bin/cli.ts once the Node
 * version is checked, and unless a plain doctor command line runs without it): runs the same
 * generators as `yo django-static`, through yeoman-environment, without a global yo.
 * `npx generator-django-static demo [DIR] [options]`: writes a sample Django project into DIR
 * (new or empty), then runs the app generator there with --yes, health check included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCommand } from 'yeoman-environment';
import { DEFAULT_DEMO_DIR, DemoTargetError, writeSampleProject } from '../lib/demo/sample-project.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const demo = argv[0] === 'demo' && Boolean(argv.shift());
const sub = demo ? 'app' : ['check', 'doctor', 'rollback', 'app'].includes(argv[0] ?? '') ? argv.shift()! : 'app';
// doctor keeps exit status 1 for "findings"; a usage error is 2 there (the generators use 1 for every failure).
const USAGE_ERROR = sub === 'doctor' ? 2 : 1;

// Yeoman declares --cwd as a flag without a value and reads it nowhere; the environment takes its
// folder from process.cwd() before any option is parsed. So --cwd <dir> is taken here, first.
const cwdAt = argv.findIndex((arg) => arg === '--cwd' || arg.startsWith('--cwd='));
if (cwdAt >= 0) {
  const [flag] = argv.splice(cwdAt, 1);
  const dir = flag!.includes('=') ? flag!.slice('--cwd='.length) : argv.splice(cwdAt, 1)[0];
  if (!dir || dir.startsWith('-')) {
    console.error('error: --cwd needs a folder: --cwd <dir>');
    process.exit(USAGE_ERROR);
  }
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`error: --cwd ${dir}: no such folder`);
    process.exit(USAGE_ERROR);
  }
  process.chdir(dir);
}

if (demo) runDemo();

/** Writes the sample project and moves into it; the app generator then runs there with --yes. */
function runDemo(): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `Usage: generator-django-static demo [DIR] [options]\n\n` +
        `Writes a small sample Django project (a startproject with a page and a stylesheet) into DIR\n` +
        `(default ${DEFAULT_DEMO_DIR}; it must be new or empty), then generates its stack with --yes and\n` +
        `runs the health check, which needs a Docker engine. Other options go to the generator\n` +
        `(for example --port 8081, or --skip-health-check); see generator-django-static --help.`,
    );
    process.exit(0);
  }
  const dir = argv[0] && !argv[0].startsWith('-') ? argv.shift()! : DEFAULT_DEMO_DIR;
  let target: string;
  try {
    target = writeSampleProject(dir);
  } catch (error) {
    if (!(error instanceof DemoTargetError)) throw error;
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  console.log(`Wrote a sample Django project to ${target} (a startproject with a page at / and its stylesheet).`);
  console.log(`Generating its stack there: generator-django-static --yes ${argv.join(' ')}`.trimEnd());
  process.chdir(target);
  if (!argv.includes('--yes') && !argv.includes('-y')) argv.unshift('--yes');
}

// The generator is handed over as a class, imported here, rather than as a path for the
// environment to import: so the single-file build of this bin (scripts/bundle-cli.mjs) carries
// the generators, and does not load them and a second yeoman-generator from dist/ unbundled.
// `resolved` still names the generator's file (it exists in dist/ either way): Yeoman finds the
// generator's package.json from it.
type GeneratorClass = NonNullable<Parameters<typeof prepareCommand>[0]['generator']>;
const generators = {
  app: () => import('../generators/app/index.js'),
  check: () => import('../generators/check/index.js'),
  doctor: () => import('../generators/doctor/index.js'),
  rollback: () => import('../generators/rollback/index.js'),
};
const command = await prepareCommand({
  // Our constructors require their arguments, where Yeoman's type has them optional; Yeoman always passes them.
  generator: (await generators[sub as keyof typeof generators]()).default as unknown as GeneratorClass,
  resolved: path.join(here, '..', 'generators', sub, 'index.js'),
  namespace: `django-static:${sub}`,
});
command.name(sub === 'app' ? 'generator-django-static' : `generator-django-static ${sub}`);
// --cwd as it works (above), in place of Yeoman's valueless one; and doctor and rollback, which write no
// generated files and install nothing, does not list the conflict and install options it ignores.
const YEOMAN_WRITE_OPTIONS = ['--skip-install', '--skip-cache', '--local-config-only', '--ask-answered', '--force', '--dry-run', '--whitespace', '--bail', '--skip-yo-resolve', '--force-install'];
const cwdOption = command.options.find((option) => option.long === '--cwd');
if (cwdOption) Object.assign(cwdOption, { flags: '--cwd <dir>', required: true, description: 'run in this folder (the project) instead of the current one' });
if (sub === 'doctor' || sub === 'rollback') for (const option of command.options) if (YEOMAN_WRITE_OPTIONS.includes(option.long ?? '')) option.hideHelp();
// Commander's errors are reported below, in our words, once.
command.exitOverride().configureOutput({ outputError: () => {} });
try {
  await command.parseAsync(argv, { from: 'user' });
} catch (error) {
  const { code, message, exitCode } = error as { code?: string; message: string; exitCode?: number };
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(exitCode ?? 0);
  if (code === 'commander.excessArguments') {
    console.error(`error: ${message.replace(/^error: /, '')} On/off options take no value: write --media or --no-media, --yes, --down, --force, --dry-run. See --help.`);
  } else {
    console.error(`error: ${message.replace(/^error: /, '')}`);
  }
  process.exit(USAGE_ERROR);
}
