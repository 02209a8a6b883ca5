#!/usr/bin/env node
/**
 * `npx generator-django-static [check] [options]`: runs the same generators as
 * `yo django-static`, through yeoman-environment, without a global yo.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCommand } from 'yeoman-environment';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const sub = argv[0] === 'check' || argv[0] === 'app' ? argv.shift()! : 'app';

const command = await prepareCommand({
  resolved: path.join(here, '..', 'generators', sub, 'index.js'),
  namespace: `django-static:${sub}`,
});
command.name(sub === 'app' ? 'generator-django-static' : 'generator-django-static check');
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
