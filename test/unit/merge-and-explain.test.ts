import { describe, expect, it } from 'vitest';
import { explainDifference } from '../../lib/regen/explain-difference.js';
import { BLOCK_END, BLOCK_START, mergeLines } from '../../lib/regen/merge-lines.js';

describe('mergeLines (.dockerignore, .gitignore)', () => {
  const ours = '# ours\n.env\n.git\nnode_modules\n';

  it('keeps every line of the user and appends only the missing rules, in a marked block', () => {
    const { content, added } = mergeLines('# cookiecutter\n.git\n.envs/\n', ours);
    expect(added).toEqual(['.env', 'node_modules']);
    expect(content).toBe(`# cookiecutter\n.git\n.envs/\n\n${BLOCK_START}\n.env\nnode_modules\n${BLOCK_END}\n`);
  });

  it('is stable: merging the merged file again changes nothing', () => {
    const once = mergeLines('.git', ours).content;
    expect(mergeLines(once, ours).content).toBe(once);
  });

  it('rebuilds the block when ours changes, and drops it when the user added the rules above it', () => {
    const once = mergeLines('.git\n', ours).content;
    expect(mergeLines(once, '.env\n.git\ndist\n').content).toBe(`.git\n\n${BLOCK_START}\n.env\ndist\n${BLOCK_END}\n`);
    const userAddedAll = once.replace('.git\n', '.git\n.env\nnode_modules\n');
    expect(mergeLines(userAddedAll, ours)).toEqual({ content: '.git\n.env\nnode_modules\n', added: [] });
  });

  it('is stable from an empty or missing file (no leading blank line) and from trailing blank lines', () => {
    const fresh = mergeLines('', ours).content;
    expect(fresh).toBe(`${BLOCK_START}\n.env\n.git\nnode_modules\n${BLOCK_END}\n`);
    expect(mergeLines(fresh, ours).content).toBe(fresh);
    const trailing = mergeLines('.git\n\n\n', ours).content;
    expect(trailing).toBe(`.git\n\n${BLOCK_START}\n.env\nnode_modules\n${BLOCK_END}\n`);
    expect(mergeLines(trailing, ours).content).toBe(trailing);
    // A file an earlier version grew a blank line in heals on the next run.
    expect(mergeLines(`\n\n${fresh}`, ours).content).toBe(fresh);
  });

  it('leaves a file that already has every rule untouched', () => {
    const complete = '.env\n.git\nnode_modules\n';
    expect(mergeLines(complete, ours).content).toBe(complete);
  });
});

describe('explainDifference (files written beside as .new)', () => {
  const ours = 'FROM python:3.12-slim\nRUN mkdir -p /srv/django/static && chown app:app /srv/django/static\nUSER app\nCMD ["gunicorn", "--config", "gunicorn.conf.py", "mysite.wsgi:application"]\n';

  it('says what a typical hand-written Dockerfile lacks, in a few lines', () => {
    const theirs = 'FROM python:3.11\nCOPY . /code\nCMD python manage.py runserver 0.0.0.0:8000\n';
    const lines = explainDifference('Dockerfile', theirs, ours);
    expect(lines).toEqual([
      'your Dockerfile runs the app as root (no USER); ours runs it as the unprivileged user "app"',
      'yours starts `python manage.py runserver 0.0.0.0:8000`; ours starts gunicorn with gunicorn.conf.py',
      'ours creates the static folder owned by the app user, so collectstatic can fill the shared volume',
      'yours builds FROM python:3.11; ours FROM python:3.12-slim',
    ]);
  });

  it('names the services a compose file lacks', () => {
    const lines = explainDifference('compose.yaml', 'services:\n  web:\n    build: .\n', 'services:\n  collectstatic: {}\n  app: {}\n  nginx: {}\n');
    expect(lines[0]).toBe('yours has the services web; ours adds collectstatic, app, nginx');
  });

  it('falls back to line counts for other files and for unreadable input', () => {
    expect(explainDifference('gunicorn.conf.py', 'a\nb\n', 'a\nc\nd\n')).toEqual(['2 line(s) only in ours, 1 only in yours']);
    expect(explainDifference('compose.yaml', '{ not: [yaml', 'services: {}\n')).toEqual([expect.stringMatching(/only in ours/)]);
  });
});
