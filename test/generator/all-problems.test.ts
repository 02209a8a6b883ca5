/**
 * One run reports every missing answer and every refusal, each on its own line naming its
 * option, then stops with nothing written: a project that needs three options learns it at once.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnswerError } from '../../lib/config/answers.js';
import { detectProject } from '../../lib/detect/project.js';
import { errorLines } from '../../generators/command-line.js';
import { asgiOnly } from '../fixtures/asgi.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

/** startproject, with STATIC_URL and MEDIA_URL read from the environment only. */
function urlsFromEnvironment(): fixtures.Files {
  const files = fixtures.startproject();
  files['mysite/settings.py'] += '\nimport os\nMEDIA_URL = os.environ["MEDIA_URL"]\nSTATIC_URL = os.environ.get("STATIC_URL")\n';
  return files;
}

describe('--yes with several problems', () => {
  it('reports every one, each naming its option, and writes nothing', async () => {
    const dir = fixtures.writeProject(urlsFromEnvironment());
    const before = fs.readdirSync(dir).sort();
    const failure = await generate(dir, { port: '99999', database: 'postgres', mediaUrl: 'https://cdn.example.com/media/' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AnswerError);
    expect((failure as AnswerError).problems).toEqual([
      '--static-url: STATIC_URL (the URL prefix nginx serves static files under) could not be detected; pass --static-url',
      expect.stringMatching(/^--media-url: MEDIA_URL "https:\/\/cdn\.example\.com\/media\/" is a full URL .* must be a path like \/media\/$/),
      expect.stringMatching(/^--port: port "99999" is impossible/),
      expect.stringMatching(/^--database postgres needs a PostgreSQL driver, and requirements\.txt has none/),
    ]);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('reports a refused answer alone, not what would follow from a guess in its place', async () => {
    // An ASGI-only project has no WSGI application; with the server refused, asking for one would mislead.
    const failure = await generate(fixtures.writeProject(asgiOnly()), { appServer: 'nonsense', port: '99999' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as AnswerError).problems).toEqual(['--app-server: "nonsense" is not one of gunicorn, uvicorn, daphne', expect.stringMatching(/^--port: port "99999" is impossible/)]);
  });

  it('at a command line: one `error:` line per problem, nothing run together', () => {
    expect(errorLines(new AnswerError(['--a: one', '--b: two']))).toBe('error: --a: one\nerror: --b: two\n');
    expect(errorLines(new Error('single'))).toBe('error: single\n');
  });

  it('a setting read only from the environment is named, and not said to be asked (--yes asks nothing)', () => {
    const warnings = detectProject(fixtures.writeProject(urlsFromEnvironment())).warnings;
    expect(warnings).toContainEqual(expect.stringMatching(/^mysite\/settings\.py:\d+: STATIC_URL comes only from the environment variable STATIC_URL, so its value is not in the code$/));
    expect(warnings.join('\n')).not.toMatch(/asked/);
  });
});
