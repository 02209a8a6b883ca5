/**
 * How both generators behave at a command line, the same through `yo django-static` and
 * through the package's bin: no package-manager step, and a failure reported once, in our
 * words, on stderr, with exit status 1.
 *
 * Why the generator reports its own failure: a task that throws makes yeoman-generator print
 * "✖ An error occured while running django-static:app#end", then yo prints
 * "Error django-static --yes …" before the message (the bin printed it again). So at a command
 * line a failing task does not throw: it prints the message, sets process.exitCode, and every
 * later task of the run (the commit included) is skipped, so nothing is written after a failure.
 * Under yeoman-test (a TestAdapter) the error still rejects the run, for the tests to assert on.
 */
import type Generator from 'yeoman-generator';

type AnyGenerator = Generator<never, never>;
type Task = Parameters<AnyGenerator['queueTask']>[0];
// Task methods take whatever arguments their priority passes (yeoman-generator types them `any[]`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Step = (...args: any[]) => unknown;

/** Wraps a step the environment calls itself (the custom commit) like the queued tasks. */
export type Guard = <S extends Step>(step: S) => (...args: Parameters<S>) => Promise<void>;

export function behaveAsCommand(generator: AnyGenerator): Guard {
  // This generator never installs npm packages: no "No change to package.json was detected".
  generator.setFeatures({ customInstallTask: true });
  if (isTestAdapter(generator.env.adapter))
    return (step) =>
      async (...args) =>
        void (await step(...args));

  let failed = false;
  const guard: Guard =
    (step) =>
    async (...args) => {
      if (failed) return;
      try {
        await step(...args);
      } catch (error) {
        failed = true;
        process.exitCode = 1;
        process.stderr.write(errorLines(error));
      }
    };
  // No public option silences Yeoman's own failure log, so each task is wrapped (docs/yeoman-internals.md).
  const queueTask = generator.queueTask.bind(generator);
  generator.queueTask = (task: Task) => queueTask({ ...task, method: guard(task.method.bind(generator)) });
  return guard;
}

/** yeoman-test's adapter answers prompts from a table instead of a terminal. */
function isTestAdapter(adapter: unknown): boolean {
  return typeof adapter === 'object' && adapter !== null && 'mockedAnswers' in adapter;
}

/** `error: …`, once per problem when there are several (each names its option), each on its own line. */
export function errorLines(error: unknown): string {
  const problems = (error as { problems?: unknown }).problems;
  const list = Array.isArray(problems) && problems.length > 0 ? problems.map(String) : [error instanceof Error ? error.message : String(error)];
  return list.map((problem) => `error: ${problem}\n`).join('');
}
