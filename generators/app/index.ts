/**
 * `yo django-static`: the Yeoman shell. Detection, the model, rendering, validation and the
 * health check are plain modules in lib/; this class wires options, prompts and this.fs to them.
 */
import '../supported-node.js'; // first: on an old Node, one line instead of Yeoman's stack trace
import path from 'node:path';
import { setConflicterStatus } from '@yeoman/conflicter';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { clearFileState } from 'mem-fs-editor/state';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { AnswerError, resolveAnswers, type Ask } from '../../lib/config/answers.js';
import { refusals } from '../../lib/config/refusals.js';
import { BACKUPS_DIR, GENERATED_FILES, RELEASES_FILE } from '../../lib/config/names.js';
import { besideNotices, defaultProjectName, isProjectFile, stackFiles, type StackFiles } from '../../lib/config/file-names.js';
import { defaultDatabase, QUESTIONS, serverPackages, type Answers } from '../../lib/config/questions.js';
import { remoteStaticNotice } from '../../lib/config/remote-static.js';
import { buildStepNotices, importWriteProblems } from '../../lib/config/build-steps.js';
import { buildStackConfig, ConfigError, type StackConfig } from '../../lib/config/stack-config.js';
import { tlsNotices } from '../../lib/model/features/tls-notices.js';
import { serverNotices } from '../../lib/model/features/app-server.js';
import { chooseProjectDir } from '../../lib/detect/project-dir.js';
import { compareWithText, inspectSettings } from '../../lib/detect/inspect.js';
import { detectionReport } from '../../lib/detect/report.js';
import { detectProject, sslRedirectWarning, type ProjectFacts } from '../../lib/detect/project.js';
import { forcedCompose } from '../../lib/health/compose-cli.js';
import { packageRoot } from '../../lib/package-root.js';
import { readText } from '../../lib/read-text.js';
import { explainDifference } from '../../lib/regen/explain-difference.js';
import { answerChanges, detectedChanges, hashContent, isUserEdited, MANIFEST_KEY, regenerationAction, staleFiles, summarizeFacts, type Manifest, type StaleFile } from '../../lib/regen/manifest.js';
import { hardeningAdded } from '../../lib/regen/hardening-added.js';
import { extrasNotice, groupNotice } from '../../lib/detect/dependencies/groups.js';
import { buildInputs, reincluded } from '../../lib/regen/dockerignore.js';
import { hasBlock, mergeLines, withoutBlock } from '../../lib/regen/merge-lines.js';
import { buildCompose } from '../../lib/targets/compose/render.js';
import { checkStack, targetOf } from '../../lib/targets/index.js';
import { HARDENING_KEYS } from '../../lib/targets/hardening.js';
import { envFileContent, ignoresEnvFile, missingEnvMessage, missingSettingsEnv } from '../../lib/render/env-file.js';
import { renderStack } from '../../lib/stack.js';
import { checkInvariants } from '../../lib/validate/invariants.js';
import { checkTlsFiles } from '../../lib/config/tls-files.js';
import { InvalidOutputError, validateOutput } from '../../lib/stack.js';
import { behaveAsCommand } from '../command-line.js';
import { commitAllOrNothing, wantMode, type CommitEnvironment } from './commit.js';

type Options = BaseOptions & Record<string, unknown>;

/** Files a project often has already, whose lines can be merged with ours instead of replaced. */
const MERGEABLE = new Set<string>([GENERATED_FILES.dockerignore]);
/** .env holds secrets; backups/ holds the database's dumps: git must see neither. */
const gitignoreRules = (ignoresEnv: boolean) => [...(ignoresEnv ? [] : [GENERATED_FILES.env]), `${BACKUPS_DIR}/`, RELEASES_FILE].join('\n') + '\n';

export default class DjangoStaticGenerator extends Generator<Record<string, unknown>, Options> {
  private facts!: ProjectFacts;
  private answers!: Answers;
  private stackConfig!: StackConfig;
  private stored: Manifest | undefined;
  /** The names the stack's files get here (beside the project's own compose file, Dockerfile, .env.example). */
  private files!: StackFiles;
  /** The folder the run started from (a repository root above the Django folder): manifests are looked for up to it. */
  private startedIn: string | undefined;
  /** Generated files the user had edited (or had before), written beside as <file>.new instead, with what differs; `theirs`: never written by us. */
  private sidecars: { file: string; differences: string[]; theirs: boolean }[] = [];
  /** Generated content that is not going to its own path (kept edits, .new files): validated all the same. */
  private generatedElsewhere = new Map<string, string>();
  /** Files left to Yeoman's conflict prompt: absolute path -> manifest entry before this run. */
  private asked = new Map<string, { file: string; storedHash: string | undefined }>();
  /** Files the last generation wrote that this one does not: removed when still ours, else kept and named. */
  private stale: StaleFile[] = [];

  constructor(args: string[], options: Options) {
    // allowDestinationOutsideRoot: in a monorepo the build context is the repository root, and
    // Docker reads .dockerignore only there (lib/config/build-context.ts decides that one path).
    super(args, options, { customPriorities: [{ priorityName: 'validate', before: 'conflicts' }], allowDestinationOutsideRoot: true });
    this.option('yes', { alias: 'y', type: Boolean, description: 'Accept every detected or stored answer; never prompt (for scripts and CI)' });
    this.option('skip-health-check', { type: Boolean, description: 'Write the files but do not build, start and probe the stack' });
    this.option('down', { type: Boolean, description: 'After the health check, remove the stack: containers, network and the static volume (data volumes such as media are kept)' });
    this.option('delete-data', {
      type: Boolean,
      description: 'With --down: also delete the data volumes (database, uploads). Asks first; under --yes this option is the confirmation',
    });
    this.option('project-dir', { type: String, description: 'The folder that holds manage.py, when the run starts above it (default: found below, when there is one)' });
    this.option('inspect', { type: Boolean, description: "Also ask Django itself (manage.py shell, runs the project's code) and report differences" });
    this.option('inspect-python', { type: String, description: 'Interpreter for --inspect', default: 'python3' });
    for (const question of QUESTIONS) {
      this.option(question.option, {
        // Numbers travel as strings (the commander bridge gives Number options no value) and are parsed with the answers.
        type: question.kind === 'boolean' ? Boolean : String,
        description: `${question.message} (default: detected)`,
      });
    }
    this.sourceRoot(path.join(packageRoot(), 'templates'));
    // Replaces Yeoman's file-by-file commit: same conflicter (prompts, diffs, --force, --dry-run),
    // then every accepted file is written all-or-nothing.
    const guard = behaveAsCommand(this as never);
    this.setFeatures({ customCommitTask: guard(() => this._commitAllOrNothing()) });
  }

  async initializing(): Promise<void> {
    forcedCompose(); // a bad DJANGO_STATIC_COMPOSE stops the run before anything is written
    if (this.options['deleteData'] && !this.options['down']) throw new Error('--delete-data only goes with --down (it deletes the data volumes when the stack is removed)');
    await this._findProjectDir();
    const settingsOption = this.options['settingsModule'];
    this.stored = this.config.get(MANIFEST_KEY) as Manifest | undefined;
    this.files = stackFiles(isProjectFile(this.destinationRoot()), Object.keys(this.stored?.files ?? {}));
    this.facts = this._detect(typeof settingsOption === 'string' ? settingsOption : undefined);
    for (const line of detectionReport(this.facts)) this.log.writeln(line);
    if (this.options['inspect']) await this._inspect();
  }

  /** Started above the Django project (a repository root): generate in the folder that holds manage.py. */
  private async _findProjectDir(): Promise<void> {
    const option = this.options['projectDir'];
    let choice = chooseProjectDir(this.destinationRoot(), typeof option === 'string' ? option : undefined);
    if ('problem' in choice && choice.candidates.length > 1 && !this.options['yes']) {
      const { value } = await this.prompt<{ value: string }>([
        { type: 'select', name: 'value', message: 'Several Django projects below this folder: which one?', choices: choice.candidates } as never,
      ]);
      choice = chooseProjectDir(this.destinationRoot(), value);
    }
    if ('problem' in choice) throw new AnswerError(choice.problem);
    if (choice.found) this._note(`manage.py is in ${choice.found}/: the stack is generated there (its build context), as with --project-dir ${choice.found}`);
    this.startedIn = this.destinationRoot();
    if (choice.dir !== this.destinationRoot()) this.destinationRoot(choice.dir);
  }

  private _detect(settingsModule: string | undefined): ProjectFacts {
    const facts = detectProject(this.destinationRoot(), { settingsModule, startedIn: this.startedIn });
    return { ...facts, projectName: defaultProjectName(facts.projectName, this.files) };
  }

  private async _inspect(): Promise<void> {
    const python = String(this.options['inspectPython'] ?? 'python3');
    const result = await inspectSettings(this.facts.root, this.facts.settingsModule.value, python);
    // A project that cannot be imported is worth a warning; an interpreter that does not exist is bad input.
    if (!result.ok && result.missingInterpreter) throw new Error(`--inspect-python: ${result.reason}`);
    if (!result.ok) {
      // A variable it names is required: .env.example lists it and the run stops before building until .env sets it.
      if (result.variable) {
        const [file, line] = (result.at ?? '--inspect:0').split(':');
        if (!this.facts.requiredEnv.some((read) => read.variable === result.variable)) this.facts.requiredEnv.push({ variable: result.variable!, file: file!, line: Number(line) });
        this._note(`--inspect: ${result.reason}\n  it names the environment variable ${result.variable}: required, so it goes into .env.example and the run stops before building until .env sets it`);
        return;
      }
      throw new Error(
        `--inspect: ${result.reason}\nDjango cannot import these settings${result.at ? ` (${result.at})` : ''}, so the stack could not start either: fix that, or run without --inspect if only this interpreter lacks a package`,
      );
    }
    const differences = compareWithText(this.facts, result.settings);
    this.log.writeln(`Inspected with Django ${result.settings.DJANGO_VERSION} (${python}): ${differences.length ? 'differences from the text analysis:' : 'same values as the text analysis.'}`);
    for (const line of differences) this.log.writeln(`  ${line}`);
  }

  async prompting(): Promise<void> {
    const cliValues: Partial<Record<keyof Answers, unknown>> = {};
    for (const question of QUESTIONS) {
      const value = this.options[camel(question.option)];
      if (value !== undefined) cliValues[question.name] = value;
    }
    const ask: Ask = async ({ question, default: defaultValue, validate }) => {
      const base = { name: 'value', message: question.message, validate: (input: unknown) => validate(input) ?? true };
      const choices = question.choices?.(this.facts) ?? [];
      const prompt =
        question.kind === 'boolean'
          ? { ...base, type: 'confirm', default: defaultValue }
          : choices.length > 1
            ? { ...base, type: 'select', choices: [...new Set([...choices, String(defaultValue)])], default: String(defaultValue) }
            : { ...base, type: 'input', default: Array.isArray(defaultValue) ? defaultValue.join(',') : defaultValue };
      const { value } = await this.prompt<{ value: unknown }>([prompt as never]);
      return value;
    };
    try {
      ({ answers: this.answers, facts: this.facts } = await this._resolve(cliValues, ask));
    } catch (error) {
      // --yes: the missing answers, and every refusal the answers that could be had already earn.
      if (error instanceof AnswerError && error.facts) throw new AnswerError([...error.problems, ...refusals(this.destinationRoot(), error.partial, error.facts)]);
      throw error;
    }
  }

  private _resolve(cliValues: Partial<Record<keyof Answers, unknown>>, ask: Ask) {
    return resolveAnswers({
      facts: this.facts,
      cliValues,
      stored: this.stored,
      ask: this.options['yes'] ? undefined : ask,
      warn: (message) => this._warn(message),
      redetect: (settingsModule) => {
        const facts = this._detect(settingsModule);
        for (const line of detectionReport(facts)) this.log.writeln(line);
        return facts;
      },
    });
  }

  /** Our own lines start at the left edge, with their kind: never after Yeoman's status column ("info warning: …"). */
  private _note(message: string): void {
    this.log.writeln(`note: ${message}`);
  }

  private _warn(message: string): void {
    this.log.writeln(`warning: ${message}`);
  }

  configuring(): void {
    // Every refusal at once, before anything is written.
    const refused = refusals(this.destinationRoot(), this.answers, this.facts);
    if (refused.length > 0) throw new AnswerError(refused);
    if (this.facts.remoteStatic) this._note(remoteStaticNotice(this.facts, this.answers.staticUrl));
    try {
      this.stackConfig = buildStackConfig(this.answers, this.facts, this.files);
    } catch (error) {
      if (error instanceof ConfigError) throw new AnswerError(error.problems.map((p) => `--${p.field}: ${p.message}`));
      throw error;
    }
    const importWrites = importWriteProblems(this.facts, this.stackConfig);
    if (importWrites.length > 0) throw new AnswerError(importWrites);
    const installedFrom = this.facts.dependencyCandidates.find((candidate) => candidate.file === this.answers.dependencies);
    const groups = installedFrom && groupNotice(installedFrom, this.stackConfig.dependencies.groups, serverPackages(this.answers));
    if (groups) this._note(groups);
    const extras = installedFrom && extrasNotice(installedFrom, this.stackConfig.dependencies.extras, serverPackages(this.answers));
    if (extras) this._note(extras);
    for (const line of buildStepNotices(this.stackConfig)) this._note(line);
    for (const line of serverNotices(this.facts, this.stackConfig)) this._note(line);
    // --tls files: the certificate and key are checked before anything is written.
    const tlsFiles = checkTlsFiles(this.destinationRoot(), this.answers);
    for (const line of [
      ...tlsFiles.notes,
      ...tlsNotices(this.stackConfig, { told: Boolean(this.options['yes']) }),
      ...targetOf(this.stackConfig).notices(this.stackConfig, { settingsDatabase: defaultDatabase(this.facts) }),
    ])
      this._note(line);
    const sslRedirect = this.stackConfig.tls.mode === 'off' ? sslRedirectWarning(this.facts) : undefined;
    if (sslRedirect) this._warn(sslRedirect);
    const inProject = detectedChanges(this.stored?.detected, summarizeFacts(this.facts));
    const inAnswers = answerChanges(this.stored?.answers, this.answers);
    // A stack generated before least privilege: each setting this run adds, per service.
    const hardening = this.stored ? hardeningAdded(this._readDisk(this.stackConfig.files.compose), buildCompose(this.stackConfig), HARDENING_KEYS) : [];
    if (inProject.length + inAnswers.length + hardening.length > 0) {
      this.log.writeln('Changed since the last generation:');
      for (const line of inProject) this.log.writeln(`  in the project: ${line}`);
      for (const line of inAnswers) this.log.writeln(`  answer: ${line}`);
      for (const line of hardening) this.log.writeln(`  least privilege added: ${line}`);
    }
  }

  writing(): void {
    const config = this.stackConfig;
    const planned = renderStack(config);
    const inputs = buildInputs(config, planned);
    const hashes: Record<string, string> = {};
    const generatedHashes: Record<string, string> = {};
    const write = (file: string, render: (target: string) => void) => {
      const target = this.destinationPath(file);
      const onDisk = this._readDisk(file);
      render(target);
      const generated = this.fs.read(target) ?? '';
      const storedHash = this.stored?.files[file];
      // A project's own ignore file is merged: its lines stay, ours that it lacks are appended in a marked block.
      if (MERGEABLE.has(path.posix.basename(file)) && onDisk !== undefined && (hasBlock(onDisk) || isUserEdited(onDisk, storedHash))) {
        const merged = mergeLines(onDisk, generated);
        // An allowlist .dockerignore (`*`, then `!` lines) would keep our build inputs out of the context.
        const letIn = file === config.build.dockerignore ? reincluded(merged.content, generated, inputs) : [];
        const { content, added } = letIn.length ? mergeLines(onDisk, `${generated}${letIn.join('\n')}\n`) : merged;
        this.fs.write(target, content);
        if (content !== onDisk) {
          this._markForce(target);
          this._note(`merged ${file}: kept your lines, added ${added.length} the stack needs in a marked block at the end`);
        }
        if (letIn.length) this._note(`${file} lets into the image only what it lists: re-included what the image needs (${letIn.join(', ')})`);
        hashes[file] = generatedHashes[file] = hashContent(content);
        return;
      }
      // The manifest records what was last written to each path: a version that did not go
      // there (.new, a kept edit, a declined conflict) must not count as written.
      hashes[file] = generatedHashes[file] = hashContent(generated);
      const action = regenerationAction({
        onDisk,
        storedHash,
        generated,
        yes: Boolean(this.options['yes']),
        force: Boolean(this.options['force']),
      });
      switch (action) {
        case 'write': // ours: replaced without a conflict prompt (identical files are left alone)
          if (onDisk !== undefined && onDisk !== generated) this._markForce(target);
          break;
        case 'ask': // Yeoman's conflict prompt shows the diff; a declined one is undone in the commit
          this.asked.set(target, { file, storedHash });
          break;
        case 'keep-edit':
          this._keepOnDisk(target, onDisk!);
          this.generatedElsewhere.set(file, generated);
          this._note(`kept your edits to ${file} (what the generator writes there has not changed)`);
          break;
        case 'beside':
          this._keepOnDisk(target, onDisk!);
          this.fs.write(`${target}.new`, generated);
          this._markForce(`${target}.new`);
          this.generatedElsewhere.set(file, generated);
          this.sidecars.push({ file, differences: explainDifference(file, onDisk!, generated), theirs: storedHash === undefined });
          restoreHash(hashes, file, storedHash);
          break;
      }
    };

    for (const line of besideNotices(
      config,
      planned.map((file) => file.path),
    ))
      this._note(line);
    for (const file of planned) {
      if ('template' in file) write(file.path, (target) => this.fs.copyTpl(this.templatePath(file.template), target, file.data));
      else write(file.path, (target) => this.fs.write(target, file.content));
      if (file.mode) wantMode(this.fs.store.get(this.destinationPath(file.path)), file.mode);
    }

    // .env holds secrets: never overwritten, not even with --force; only missing keys are appended.
    const env = envFileContent(config, this._readDisk(GENERATED_FILES.env));
    if (env !== undefined) {
      const existed = this._readDisk(GENERATED_FILES.env) !== undefined;
      this.fs.write(this.destinationPath(GENERATED_FILES.env), env);
      // A new secrets file is readable by its owner only (compose reads it as the user who runs it).
      if (!existed) wantMode(this.fs.store.get(this.destinationPath(GENERATED_FILES.env)), 0o600);
      if (existed) this._markForce(this.destinationPath(GENERATED_FILES.env));
    }
    if (this.facts.usesGit) {
      // .env holds secrets: git must never see it. Merged like .dockerignore, never recorded as ours.
      const existing = this._readDisk(GENERATED_FILES.gitignore);
      // A rule of the user's own (not in our block) that covers .env is enough.
      const { content } = mergeLines(existing ?? '', gitignoreRules(ignoresEnvFile(existing === undefined ? undefined : withoutBlock(existing))));
      if (content !== (existing ?? '')) {
        this.fs.write(this.destinationPath(GENERATED_FILES.gitignore), content);
        if (existing !== undefined) this._markForce(this.destinationPath(GENERATED_FILES.gitignore));
      }
    }
    this.stale = staleFiles(this.stored?.files, Object.keys(generatedHashes), (file) => this._readDisk(file));
    for (const { file } of this.stale.filter((stale) => stale.action === 'keep')) {
      this._note(`${file} is no longer part of the stack (nothing reads it now); kept, as you edited it: delete it when you no longer need it`);
    }
    const updated = Object.keys(generatedHashes).filter((file) => this.stored?.files[file] !== undefined && this.stored.files[file] !== generatedHashes[file]);
    if (this.stored && updated.length > 0) this.log.writeln(`  files this changes: ${updated.join(', ')}`);
    const manifest: Manifest = { answers: this.answers, detected: summarizeFacts(this.facts), files: hashes };
    this.config.set(MANIFEST_KEY, manifest);
  }

  /** Custom priority, before `conflicts`: nothing reaches the disk unless the whole output is valid. */
  validate(): void {
    const problems = validateOutput(this.stackConfig, (file) => this.generatedElsewhere.get(file) ?? this.fs.read(this.destinationPath(file)) ?? undefined);
    // Throwing here stops the run before `conflicts`, where mem-fs would be committed to disk.
    if (problems.length > 0) throw new InvalidOutputError(problems);
  }

  async end(): Promise<void> {
    if (this.options['dryRun']) {
      for (const { file } of this.sidecars) this._note(`would keep your ${file} and write ours as ${file}.new`);
      return;
    }
    if (this.sidecars.length > 0) {
      const list = this.sidecars.map(({ file, differences }) => [`  ${file} -> ${file}.new`, ...differences.map((line) => `      ${line}`)].join('\n')).join('\n');
      // --force overwrites an edit of a file we wrote; a file that was the project's before we ever ran, never.
      const force = this.sidecars.some((sidecar) => !sidecar.theirs) ? ', or re-run with --force to overwrite the ones we wrote earlier' : '';
      throw new Error(`these files are yours (written or edited by hand), so ours were written beside them:\n${list}\n` + `Merge them (or delete the .new files)${force}.`);
    }
    // A file kept with the user's edits (conflict prompt: "do not overwrite") can break the chain.
    const onDisk = checkInvariants(this.stackConfig, (file) => readText(this.destinationPath(file)));
    if (onDisk.length > 0) {
      throw new Error(
        `the files on disk no longer agree with each other (a file kept with your edits?):\n${onDisk.map((p) => `  ${p.file}: ${p.message}`).join('\n')}\n` +
          'Merge the new version into it, or re-run and overwrite it.',
      );
    }
    const missing = missingSettingsEnv(this.stackConfig, readText(this.destinationPath(GENERATED_FILES.env)));
    if (missing.length > 0 && this.options['skipHealthCheck']) this._note(missingEnvMessage(missing, this.stackConfig.files.envExample));
    else if (missing.length > 0) throw new Error(missingEnvMessage(missing, this.stackConfig.files.envExample)); // before a build that would fail in collectstatic
    const target = targetOf(this.stackConfig);
    // A target that deploys with its own script (swarm.sh) says what to run; the check follows it.
    const nextSteps = target.nextSteps(this.stackConfig);
    if (nextSteps.length > 0) {
      for (const line of nextSteps) this.log.writeln(line);
      return;
    }
    if (this.options['skipHealthCheck']) {
      this._note('health check skipped (--skip-health-check). Run `yo django-static:check` to build, start and probe the stack.');
      return;
    }
    const deleteData = Boolean(this.options['deleteData']) && (await this._confirmDeleteData());
    const result = await checkStack({
      config: this.stackConfig,
      cwd: this.destinationRoot(),
      down: Boolean(this.options['down']),
      deleteData,
      log: (line) => this.log.writeln(line),
    });
    if (result === 'no-engine') return;
    if (!result.ok) throw new Error(`the health check failed: ${result.summary}`);
  }

  /** --delete-data: interactive runs confirm, naming the volumes; under --yes the option itself is the confirmation. */
  private async _confirmDeleteData(): Promise<boolean> {
    if (this.options['yes']) return true;
    const { dataVolumes } = await import('../../lib/targets/compose/data-volumes.js');
    const names = dataVolumes(this.stackConfig).map((volume) => `${this.stackConfig.projectName}_${volume}`);
    if (names.length === 0) return false;
    const { value } = await this.prompt<{ value: boolean }>([
      { type: 'confirm', name: 'value', default: false, message: `--delete-data: after the check, delete the volumes ${names.join(', ')} for good (the database and uploads in them)?` } as never,
    ]);
    if (!value) this._note('--delete-data declined: the data volumes are kept.');
    return value;
  }

  private _readDisk(file: string): string | undefined {
    try {
      return this.fs.read(this.destinationPath(file)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  private async _commitAllOrNothing(): Promise<void> {
    const unused = this.stale.filter((stale) => stale.action === 'remove').map((stale) => stale.file);
    const dryRun = Boolean(this.options['dryRun']);
    const remove = dryRun ? [] : unused.map((file) => this.destinationPath(file));
    const heldSignal = await commitAllOrNothing(this.env as unknown as CommitEnvironment, (accepted) => this._forgetDeclined(accepted), remove);
    for (const file of unused) this._note(`${dryRun ? 'would remove' : 'removed'} ${file}: no longer part of the stack, and unchanged since it was generated`);
    if (heldSignal) {
      this._note(`${heldSignal} received: the complete new set of files was written first; stopping now.`);
      process.kill(process.pid, heldSignal);
    }
  }

  /** A conflict answered "do not overwrite" keeps that file's previous manifest entry. */
  private _forgetDeclined(accepted: MemFsEditorFile[]): void {
    const declined = [...this.asked].filter(([target]) => !accepted.some((file) => file.path === target));
    const yoRc = accepted.find((file) => path.basename(file.path) === '.yo-rc.json');
    if (declined.length === 0 || !yoRc?.contents) return;
    const content = JSON.parse(yoRc.contents.toString()) as Record<string, { [MANIFEST_KEY]?: Manifest }>;
    for (const stored of Object.values(content)) {
      const manifest = stored[MANIFEST_KEY];
      if (manifest) for (const [, { file, storedHash }] of declined) restoreHash(manifest.files, file, storedHash);
    }
    yoRc.contents = Buffer.from(`${JSON.stringify(content, null, 2)}\n`);
  }

  /** Leaves a file as it is on disk: out of the commit, so Yeoman neither writes nor logs it ("identical" would be untrue). */
  private _keepOnDisk(absolutePath: string, onDisk: string): void {
    this.fs.write(absolutePath, onDisk); // later reads in this run see what stays
    clearFileState(this.fs.store.get(absolutePath));
  }

  private _markForce(absolutePath: string): void {
    if (this.options['dryRun']) return; // let the conflicter print the diff and skip
    setConflicterStatus(this.fs.store.get(absolutePath), 'force'); // @yeoman/conflicter's own API for a file it must not ask about
  }
}

function restoreHash(hashes: Record<string, string>, file: string, storedHash: string | undefined): void {
  if (storedHash === undefined) delete hashes[file];
  else hashes[file] = storedHash;
}

const camel = (kebab: string) => kebab.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
