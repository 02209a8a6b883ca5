#!/usr/bin/env node
/**
 * `npx generator-django-static [check|doctor] [options]`: runs the same generators as
 * `yo django-static`, through yeoman-environment, without a global yo.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCommand } from 'yeoman-environment';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const sub = argv[0] === 'check' || argv[0] === 'doctor' || argv[0] === 'app' ? argv.shift()! : 'app';

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
};
const command = await prepareCommand({
  // Our constructors require their arguments, where Yeoman's type has them optional; Yeoman always passes them.
  generator: (await generators[sub as keyof typeof generators]()).default as unknown as GeneratorClass,
  resolved: path.join(here, '..', 'generators', sub, 'index.js'),
  namespace: `django-static:${sub}`,
});
command.name(sub === 'app' ? 'generator-django-static' : `generator-django-static ${sub}`);
// Commander's errors are reported below, in our words, once.
command.exitOverride().configureOutput({ outputError: () => {} });
try {
  await command.parseAsync(argv, { from: 'user' });
} catch (error) {
  const { code, message, exitCode } = error as { code?: string; message: string; exitCode?: number };
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(exitCode ?? 0);
  if (code === 'commander.excessArguments') {
    console.error(
      `error: ${message.replace(/^error: /, '')} On/off options take no value: write --media or --no-media, --yes, --down, --force, --dry-run. See --help.`,
    );
  } else {
    console.error(`error: ${message.replace(/^error: /, '')}`);
  }
  process.exit(1);
}
