/**
 * huey (djhuey) is refused with its reason in the one-run report: its SQLite store opened at
 * django.setup() on the read-only root would stop collectstatic, migrate and the app, and no
 * worker would run its tasks. Refused, not generated with a silent crash.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnswerError } from '../../lib/config/answers.js';
import { detectProject } from '../../lib/detect/project.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

/** startproject with djhuey and a SQLite store in the project's data folder, as linkding has. */
function withHuey(settings: string): fixtures.Files {
  const files = fixtures.startproject();
  files['mysite/settings.py'] += settings;
  files['requirements.txt'] += 'huey>=2.5\n';
  return files;
}

const DJHUEY = '\nINSTALLED_APPS += ["huey.contrib.djhuey"]\nHUEY = {"huey_class": "huey.SqliteHuey", "filename": BASE_DIR / "data" / "tasks.sqlite3"}\n';

describe('huey', () => {
  it('is refused with its reason, beside the other problems of the run, and nothing is written', async () => {
    const dir = fixtures.writeProject(withHuey(DJHUEY));
    const before = fs.readdirSync(dir).sort();
    const failure = await generate(dir, { port: '99999' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AnswerError);
    const problems = (failure as AnswerError).problems;
    expect(problems).toContainEqual(expect.stringMatching(/^--port: port "99999" is impossible/));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^huey \(huey\.contrib\.djhuey in INSTALLED_APPS \[mysite\/settings\.py:\d+\]\) is not supported: djhuey opens its task store when Django starts, .* run_huey worker .*\(nothing written; docs\/known-limits\.md\)$/,
      ),
    );
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('is detected from a HUEY setting alone, and not in a project without it', () => {
    expect(detectProject(fixtures.writeProject(withHuey('\nHUEY = {"immediate": False}\n'))).processes?.huey?.value).toBe('HUEY');
    expect(detectProject(fixtures.writeProject(fixtures.startproject())).processes).toBeUndefined();
  });
});
