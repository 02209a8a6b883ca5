import helpers from 'yeoman-test';
import AppGenerator from '../../generators/app/index.js';

/** Runs the generator in `dir` as `--yes --skip-health-check` would, plus `options`. */
export async function generate(dir: string, options: Record<string, unknown> = {}) {
  return (
    helpers
      .run(AppGenerator as never, { namespace: 'django-static:app' }, { force: false } as never)
      .cd(dir)
      // yeoman-test defaults to force: true; the product's default is false.
      .withOptions({ yes: true, skipHealthCheck: true, force: false, ...options } as never)
  );
}

/** The same, interactive: every question keeps its default; conflicts get `conflict`. */
export async function generateInteractively(dir: string, conflict: 'skip' | 'write', options: Record<string, unknown> = {}) {
  return helpers
    .run(AppGenerator as never, { namespace: 'django-static:app' }, { force: false } as never)
    .cd(dir)
    .withOptions({ skipHealthCheck: true, force: false, ...options } as never)
    .withAnswers({ action: conflict });
}
