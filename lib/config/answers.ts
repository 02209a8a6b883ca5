/**
 * Resolves each answer from, in order: the CLI option, the prompt (unless --yes), the
 * stored answer from the last generation (unless the project changed it), the detection.
 * Pure apart from the `ask` callback (and reading a dependency file the user names that
 * detection did not), so it is tested without Yeoman.
 */
import { QUESTIONS, parseRaw, type Answers, type Question } from './questions.js';
import { withDependencyFile } from '../detect/dependencies/manifests.js';
import type { ProjectFacts } from '../detect/project.js';
import { regenerationDefault, summarizeFacts, type Detected, type Manifest } from './stored-answers.js';

export interface AskRequest {
  question: Question;
  default: unknown;
  /** Returns a reason when the raw input is not acceptable. */
  validate: (raw: unknown) => string | undefined;
}

export type Ask = (request: AskRequest) => Promise<unknown>;

/** One or more answers that cannot be had: each line names its option. Under --yes, every one of them, at once. */
export class AnswerError extends Error {
  readonly problems: string[];
  constructor(
    problems: string | string[],
    /** What could be answered (under --yes, beside the problems), for the checks that need only part of it. */
    readonly partial: Partial<Answers> = {},
    readonly facts?: ProjectFacts,
  ) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'));
    this.problems = list;
    this.name = 'AnswerError';
  }
}

export interface ResolveOptions {
  facts: ProjectFacts;
  cliValues: Partial<Record<keyof Answers, unknown>>;
  stored?: Manifest;
  /** undefined means --yes: never prompt. */
  ask?: Ask;
  warn: (message: string) => void;
  /** Reads the project again for another settings module, so later defaults come from it. */
  redetect?: (settingsModule: string) => ProjectFacts;
}

export type Resolved = { answers: Answers; facts: ProjectFacts };

/** Interactive or --yes: the answers, asking through `ask` when given. */
export async function resolveAnswers(options: ResolveOptions): Promise<Resolved> {
  const steps = answerSteps(options);
  let step = steps.next();
  while (!step.done) step = steps.next(await options.ask!(step.value));
  return step.value;
}

/** What --yes answers, synchronously: every CLI value, else the stored or detected default. */
export function defaultAnswers(options: Omit<ResolveOptions, 'ask'>): Resolved {
  const step = answerSteps({ ...options, ask: undefined }).next();
  if (!step.done) throw new Error('a question was asked although there is no one to ask');
  return step.value;
}

/**
 * The resolution itself, as one sequence for both drivers: it yields a question whenever it
 * needs the user, and the driver sends the raw answer back.
 */
function* answerSteps(options: ResolveOptions): Generator<AskRequest, Resolved, unknown> {
  const { cliValues, stored, ask, warn } = options;
  let facts = options.facts;
  const answers: Partial<Answers> = {};
  let detectedNow = summarizeFacts(facts);
  const detectedBefore = stored?.detected;
  // Under --yes every problem is collected and reported together; interactive runs stop at the first.
  const problems: string[] = [];
  // Answers refused this run, and those the current question has read: a question that reads a
  // refused answer is judged on a guess (--app-server nonsense would ask for a WSGI application),
  // so the earlier problem is the only one reported.
  const refused = new Set<string>();
  let readNow = new Set<string>();
  const seen = new Proxy(answers, {
    get: (target, key) => {
      if (typeof key === 'string') readNow.add(key);
      return Reflect.get(target, key) as unknown;
    },
  });
  const refuse = (question: Question, line: string, { needed = true } = {}) => {
    if (ask) throw new AnswerError(line);
    const followsRefused = [...readNow].some((name) => refused.has(name));
    if (needed) refused.add(question.name);
    if (!followsRefused) problems.push(line);
  };

  const settle = (question: Question) => {
    if (question.name === 'settingsModule' && options.redetect && answers.settingsModule !== facts.settingsModule.value) {
      facts = options.redetect(answers.settingsModule!);
      detectedNow = summarizeFacts(facts);
    }
    if (question.name === 'dependencies') facts = withDependencyFile(facts, answers.dependencies!);
  };
  for (const question of QUESTIONS as readonly Question[]) {
    readNow = new Set();
    try {
      const check = (raw: unknown): { value: unknown } | { error: string } => {
        const parsed = parseRaw(question.kind, raw);
        if ('error' in parsed) return parsed;
        const reason = question.validate(parsed.value as never, seen);
        return reason ? { error: reason } : parsed;
      };
      const cli = cliValues[question.name];
      if (question.when && !question.when(seen, facts)) {
        // Not asked here, but a value given for it is still checked: nonsense is never accepted silently.
        const given = cli === undefined ? undefined : check(cli);
        const unused = given && 'value' in given ? question.notAsked?.(given.value as never, facts, seen) : undefined;
        // Its answer is not used, so what follows is not judged on a guess.
        if (given && 'error' in given) refuse(question, `--${question.option}: ${given.error}`, { needed: false });
        else if (unused) refuse(question, `--${question.option}: ${unused}`, { needed: false });
        continue;
      }

      if (cli !== undefined) {
        const result = check(cli);
        if ('value' in result) {
          (answers as Record<string, unknown>)[question.name] = result.value;
          settle(question);
          continue;
        }
        if (!ask) {
          refuse(question, `--${question.option}: ${result.error}`);
          continue;
        }
        warn(`--${question.option}: ${result.error}; asking instead`);
      }

      const detected = question.detect(facts, seen);
      // Built on other settings than last time: what was read from the old ones no longer holds.
      const otherSettings = stored !== undefined && answers.settingsModule !== stored.answers.settingsModule;
      const storedAnswer = otherSettings && READ_FROM_SETTINGS.has(question.name) ? undefined : stored?.answers[question.name];
      const defaultValue = isTracked(question.name)
        ? regenerationDefault(storedAnswer, trackedValue(question.name, detectedBefore), trackedValue(question.name, detectedNow), detected)
        : (storedAnswer ?? detected);

      // --yes, or a question this project is not prompted for: the default, checked the same way.
      if (!ask || (question.prompt && !question.prompt(seen))) {
        if (defaultValue === undefined) {
          refuse(question, `--${question.option}: ${question.undetected?.(facts) ?? `${question.message} could not be detected; pass --${question.option}`}`);
          continue;
        }
        const result = check(defaultValue);
        if ('error' in result) {
          refuse(question, `--${question.option}: ${result.error}; pass --${question.option}`);
          continue;
        }
        (answers as Record<string, unknown>)[question.name] = result.value;
        settle(question);
        continue;
      }
      const raw = yield {
        question,
        default: defaultValue,
        validate: (input) => {
          const result = check(input);
          return 'error' in result ? result.error : undefined;
        },
      };
      const result = check(raw);
      if ('error' in result) throw new AnswerError(`${question.message}: ${result.error}`);
      (answers as Record<string, unknown>)[question.name] = result.value;
      settle(question);
    } catch (error) {
      // A question that reads an earlier answer this run could not have: that earlier problem is the one to report.
      if (error instanceof AnswerError || problems.length === 0) throw error;
    }
  }
  if (problems.length > 0) throw new AnswerError(problems, answers, facts);
  // Skipped questions keep a stable value, so .yo-rc.json and re-runs stay deterministic.
  if (answers.media === false) answers.mediaUrl = stored?.answers.mediaUrl ?? facts.mediaUrl?.value ?? '/media/';
  // Back on compose, the Swarm answers stay stored: switching to swarm again gets them back.
  if (answers.target !== 'swarm') for (const name of SWARM_ANSWERS) if (stored?.answers[name] !== undefined) (answers as Record<string, unknown>)[name] = stored.answers[name];
  return { answers: answers as Answers, facts };
}

const SWARM_ANSWERS = ['replicas', 'imageRepository', 'swarmPorts'] as const satisfies readonly (keyof Answers)[];

/**
 * Answers whose default is read from the settings module (or the entry points and the Celery app
 * beside it): a stored one is dropped when the run builds on another settings module.
 */
const READ_FROM_SETTINGS: ReadonlySet<keyof Answers> = new Set<keyof Answers>([
  'wsgiApplication',
  'asgiApplication',
  'websocketPaths',
  'staticUrl',
  'staticfilesDirs',
  'media',
  'mediaUrl',
  'celeryApp',
  'celeryQueues',
  'celeryBeat',
  'rqQueues',
]);

/** Answers that mirror a detected value, so a change in the project since last time is noticed. */
const TRACKED = ['settingsModule', 'dependencies', 'staticUrl', 'staticfilesDirs', 'media', 'mediaUrl'] as const;
const isTracked = (name: keyof Answers) => (TRACKED as readonly string[]).includes(name);

function trackedValue(name: keyof Answers, detected: Detected | undefined): unknown {
  if (!detected) return undefined;
  if (name === 'media') return Boolean(detected.mediaUrl || detected.mediaRoot);
  return detected[name as keyof Detected];
}
