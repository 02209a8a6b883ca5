/**
 * `yo django-static:doctor`: finds what is wrong in a hand-made nginx + gunicorn + Django
 * setup, points at the line, says why, and shows the fix. The work is lib/doctor/command.ts;
 * this class only maps options and prints.
 */
import '../supported-node.js'; // first: on an old Node, one line instead of Yeoman's stack trace
import fs from 'node:fs';
import path from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { FORMATS, runDoctor } from '../../lib/doctor/command.js';
import { SEVERITIES } from '../../lib/doctor/finding.js';
import { behaveAsCommand } from '../command-line.js';

export default class DoctorGenerator extends Generator<Record<string, unknown>, BaseOptions & Record<string, unknown>> {
  constructor(args: string[], options: BaseOptions & Record<string, unknown>) {
    super(args, options);
    behaveAsCommand(this as never);
    this.option('nginx', { type: String, description: 'nginx configuration file or folder (includes are followed); default: nginx/default.conf here, else /etc/nginx/nginx.conf' });
    this.option('nginx-dump', { type: String, description: 'the output of `nginx -T` in a file, or - for standard input' });
    this.option('format', { type: String, description: `report format: ${FORMATS.join(', ')}`, default: 'text' });
    this.option('fail-on', { type: String, description: `exit 1 when a finding is at least this severe: ${SEVERITIES.join(', ')}`, default: 'high' });
    this.option('compose', {
      type: String,
      description: 'the compose file the server runs; default: the production-looking one here (docker-compose.prod.yml before a compose.yaml that runs runserver)',
    });
    this.option('fix', { type: Boolean, description: 'write the fixes into the files (only inside this folder; each original kept as FILE.orig), then report what is left' });
    this.option('fix-dry-run', { type: Boolean, description: 'print every fix as one patch (apply with patch -p1), write nothing' });
    // For yo's --help (the package's bin takes --cwd <dir> itself, before Yeoman starts; see folder()).
    this.option('cwd', { type: String, description: 'run in this folder (the project) instead of the current one' });
    this.option('url', { type: String, description: 'also probe this running server (http://host:port) for traversal, listings and dotfiles' });
  }

  async default(): Promise<void> {
    const root = this.folder();
    const outcome =
      root.error !== undefined
        ? { output: '', exitCode: 2 as const, error: root.error }
        : await runDoctor({
            root: root.folder,
            nginx: this.options['nginx'] as string | undefined,
            nginxDump: this.options['nginxDump'] as string | undefined,
            format: this.options['format'] as string | undefined,
            failOn: this.options['failOn'] as string | undefined,
            url: this.options['url'] as string | undefined,
            compose: this.options['compose'] as string | undefined,
            fix: this.options['fix'] === true,
            fixDryRun: this.options['fixDryRun'] === true,
          });
    if (outcome.error !== undefined) process.stderr.write(`error: ${outcome.error}\n`);
    for (const message of outcome.messages ?? []) process.stderr.write(`${message}\n`);
    process.stdout.write(outcome.output);
    process.exitCode = outcome.exitCode;
  }

  /**
   * The folder to read. The package's bin takes `--cwd <dir>` itself, before Yeoman starts; yo
   * hands it over as an option (its parser takes the word after `--cwd` as the value, where
   * Yeoman's own valueless `--cwd` would drop it), so it is honoured here, with the bin's errors.
   */
  private folder(): { folder: string; error?: undefined } | { error: string } {
    const cwd = this.options['cwd'];
    if (cwd === undefined || cwd === false) return { folder: this.destinationRoot() };
    if (typeof cwd !== 'string' || cwd === '' || cwd.startsWith('-')) return { error: '--cwd needs a folder: --cwd <dir>' };
    const folder = path.resolve(this.destinationRoot(), cwd);
    return fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory() ? { folder } : { error: `--cwd ${cwd}: no such folder` };
  }
}
