/**
 * Settings shapes from real projects, through the whole generator: a folder created in a loop at
 * import, on the read-only root, is placed (a tmpfs) when its path is read and refused when not.
 */
import { describe, expect, it } from 'vitest';
import { AnswerError } from '../../lib/config/answers.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

const failureOf = (dir: string, options: Record<string, unknown> = {}) =>
  generate(dir, options).then(
    () => undefined,
    (error: unknown) => error,
  );

describe('folders created in a loop when the settings are imported', () => {
  it('one item read, one not: the one not read is refused with its line, nothing written', async () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += '\nimport os\nLOG_DIR = Path(os.environ["LOG_DIR"])\nfor directory in (BASE_DIR / "data", LOG_DIR):\n    directory.mkdir(parents=True, exist_ok=True)\n';
    const line = files['mysite/settings.py']!.split('\n').findIndex((text) => text.includes('directory.mkdir')) + 1;
    const failure = await failureOf(fixtures.writeProject(files), { staticUrl: '/static/', staticRoot: 'staticfiles' });
    expect(failure).toBeInstanceOf(AnswerError);
    expect((failure as AnswerError).problems).toEqual([
      expect.stringMatching(new RegExp(`^mysite/settings\\.py:${line}: mkdir\\(\\) creates a folder whose path is not read when the settings are imported; `)),
    ]);
  });
});

describe('one run names every problem', () => {
  it('an application not detected does not hide a settings module with no file', async () => {
    // ephios' shape: manage.py names a module the reader does not find, and no wsgi.py is found.
    const files = fixtures.startproject();
    delete files['mysite/wsgi.py'];
    delete files['mysite/asgi.py'];
    files['manage.py'] = fixtures.manage('mysite.nope');
    const failure = await failureOf(fixtures.writeProject(files), { staticUrl: '/static/' });
    expect(failure).toBeInstanceOf(AnswerError);
    expect((failure as AnswerError).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^--wsgi-application: WSGI application could not be detected/), '--settings-module: mysite.nope has no file mysite/nope.py in the project']),
    );
  });
});
