/**
 * `yo django-static:check`: the health check on its own, for a project generated earlier.
 * It rebuilds the StackConfig from the stored answers, so it checks what was generated.
 */
import '../supported-node.js'; // first: on an old Node, one line instead of Yeoman's stack trace
import Generator, { type BaseOptions } from 'yeoman-generator';
import { GENERATED_FILES } from '../../lib/config/names.js';
import { readText } from '../../lib/read-text.js';
import { checkStack } from '../../lib/targets/index.js';
import { missingEnvMessage, missingSettingsEnv } from '../../lib/render/env-file.js';
import { materialize, renderStack } from '../../lib/stack.js';
import { MANIFEST_KEY, type Manifest } from '../../lib/regen/manifest.js';
import { behaveAsCommand } from '../command-line.js';
import { storedStackConfig, timeoutSeconds } from '../stored-config.js';

export default class CheckGenerator extends Generator<Record<string, unknown>, BaseOptions & Record<string, unknown>> {
  constructor(args: string[], options: BaseOptions & Record<string, unknown>) {
    super(args, options);
    behaveAsCommand(this as never);
    this.option('down', { type: Boolean, description: 'After the check, remove the stack: containers, network and the static volume (data volumes such as media are kept)' });
    // A string, parsed below: the commander bridge gives Number options no value.
    this.option('timeout', { type: String, description: 'Seconds to wait for the stack to build and become healthy (swarm: to converge)', default: '600' });
    this.option('target', { type: String, description: 'compose (build and start with Compose) or swarm (check the deployed stack: ./swarm.sh deploys it); default: the stored answer' });
  }

  async default(): Promise<void> {
    const config = storedStackConfig(this.destinationRoot(), this.config.get(MANIFEST_KEY) as Manifest | undefined, this.options['target']);
    const timeout = timeoutSeconds(this.options['timeout']);
    const missing = missingSettingsEnv(config, readText(this.destinationPath(GENERATED_FILES.env)));
    if (missing.length > 0) throw new Error(missingEnvMessage(missing, config.files.envExample));
    // What the stored answers generate today, against the disk: a hand edit or a stale
    // generation is named before the stack is built from it.
    const drift = [...materialize(renderStack(config))].filter(([file, content]) => readText(this.destinationPath(file)) !== content).map(([file]) => file);
    if (drift.length > 0) {
      this.log.info(`these files differ from what the stored answers generate (edited by hand, or written by another version; \`yo django-static\` shows the diff): ${drift.join(', ')}`);
    }
    const result = await checkStack({
      config,
      cwd: this.destinationRoot(),
      down: Boolean(this.options['down']),
      log: (line) => this.log.writeln(line),
      startTimeoutMs: timeout * 1000,
    });
    if (result === 'no-engine') throw new Error('no Docker engine answers, so nothing could be checked');
    if (!result.ok) throw new Error(`the health check failed: ${result.summary}`);
  }
}
