/**
 * `yo django-static:check`: the health check on its own, for a project generated earlier.
 * It rebuilds the StackConfig from the stored answers, so it checks what was generated.
 */
import '../supported-node.js'; // first: on an old Node, one line instead of Yeoman's stack trace
import fs from 'node:fs';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { stackFiles } from '../../lib/config/file-names.js';
import type { Answers } from '../../lib/config/questions.js';
import { buildStackConfig, ConfigError } from '../../lib/config/stack-config.js';
import { GENERATED_FILES } from '../../lib/config/names.js';
import { answersOnDisk } from '../../lib/config/answers-on-disk.js';
import { readText } from '../../lib/read-text.js';
import { checkStack } from '../../lib/targets/index.js';
import { missingEnvMessage, missingSettingsEnv } from '../../lib/render/env-file.js';
import { materialize, renderStack } from '../../lib/stack.js';
import { withDependencyFile } from '../../lib/detect/dependencies/manifests.js';
import { detectProject } from '../../lib/detect/project.js';
import { MANIFEST_KEY, type Manifest } from '../../lib/regen/manifest.js';
import { behaveAsCommand } from '../command-line.js';

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
    const stored = this.config.get(MANIFEST_KEY) as Manifest | undefined;
    if (!stored) throw new Error('no .yo-rc.json from `yo django-static` here: generate the stack first');
    let config;
    try {
      const answers = withTarget(stored.answers as Answers, this.options['target']);
      const onDisk = answersOnDisk(this.destinationRoot(), answers);
      if (onDisk.length > 0) throw new ConfigError(onDisk);
      const facts = withDependencyFile(detectProject(this.destinationRoot(), { settingsModule: answers.settingsModule }), answers.dependencies);
      config = buildStackConfig(
        answers,
        facts,
        stackFiles((file) => fs.existsSync(this.destinationPath(file)), Object.keys(stored.files)),
      );
    } catch (error) {
      if (error instanceof ConfigError) throw new Error(`the stored answers are no longer valid for this project:\n${error.message}`, { cause: error });
      throw error;
    }
    const timeout = Number(this.options['timeout']);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout ${String(this.options['timeout'])}: give a number of seconds`);
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

/** --target overrides the stored answer for this check; swarm needs the answers a --target swarm generation stored. */
function withTarget(answers: Answers, target: unknown): Answers {
  if (target === undefined) return answers;
  if (target !== 'compose' && target !== 'swarm') throw new Error(`--target ${String(target)}: use compose or swarm`);
  if (target === 'swarm' && answers.target !== 'swarm')
    throw new Error('--target swarm: this project was generated for compose; generate it with `yo django-static --target swarm` first (it writes stack.yaml and swarm.sh)');
  return { ...answers, target };
}
