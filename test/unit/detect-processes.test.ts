import { describe, expect, it } from 'vitest';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import { parseProcfile } from '../../lib/detect/procfile.js';
import * as fixtures from '../fixtures/projects.js';
import { celeryRedis, procfileProject, rqProject } from '../fixtures/processes.js';

const detect = (files: fixtures.Files) => detectProject(fixtures.writeProject(files));

describe('detecting the processes a project runs', () => {
  it('finds nothing in startproject', () => {
    expect(detect(fixtures.startproject()).processes).toBeUndefined();
  });

  it('reads the Celery app beside the settings, its broker, result store and beat schedule, with lines', () => {
    const facts = detect(celeryRedis());
    const celery = facts.processes?.celery;
    expect(celery?.app).toEqual({ value: 'mysite.celery:app', source: { file: 'mysite/celery.py', line: 7 } });
    expect(celery?.broker).toMatchObject({ value: { setting: 'CELERY_BROKER_URL', url: 'redis://localhost:6379/0', env: 'CELERY_BROKER_URL' }, source: { file: 'mysite/settings.py' } });
    expect(celery?.resultBackend?.value.url).toBe('redis://localhost:6379/1');
    expect(celery?.beatSchedule?.value).toEqual(['tick']);
    expect(celery?.queues.value).toEqual(['celery']);
    expect(detectionReport(facts).join('\n')).toMatch(/Celery app\s+mysite\.celery:app\s+\[mysite\/celery\.py:7\]/);
  });

  it("reads cookiecutter-django's shape: config/celery_app.py, another namespace, routes to a second queue", () => {
    const files = celeryRedis();
    delete files['mysite/celery.py'];
    files['mysite/__init__.py'] = '';
    files['mysite/celery_app.py'] = 'import celery\n\nworker = celery.Celery("x")\nworker.config_from_object("django.conf:settings", namespace="TASKS")\n';
    files['mysite/settings.py'] += 'TASKS_TASK_ROUTES = {"counter.tasks.add": {"queue": "math"}}\nTASKS_BROKER_URL = "amqp://guest@rabbit//"\n';
    const celery = detect(files).processes?.celery;
    expect(celery?.app?.value).toBe('mysite.celery_app:worker');
    expect(celery?.queues.value).toEqual(['celery', 'math']);
    expect(celery?.broker?.value.url).toBe('amqp://guest@rabbit//');
  });

  it("adds the queues task decorators name: literal, a module's constant, one imported; warns where one is not read", () => {
    const files = celeryRedis();
    files['mysite/queues.py'] = 'REPORTS = "reports"\n';
    files['counter/tasks.py'] = `from celery import shared_task
from django.conf import settings

from mysite.celery import app
from mysite.queues import REPORTS as REPORT_QUEUE

MAIL = "mail"


@shared_task(queue="slow")
def tick():
    return 1


@app.task(bind=True, queue=MAIL)
def send(self):
    return 2


@app.task(queue=REPORT_QUEUE)
def report():
    return 3


@shared_task(queue=settings.OTHER_QUEUE)
def other():
    return 4


@shared_task(queue="slow")
def again():
    return 5
`;
    const facts = detect(files);
    const celery = facts.processes?.celery;
    expect(celery?.queues.value).toEqual(['celery', 'slow', 'mail', 'reports']);
    expect(celery?.taskQueues).toEqual([
      { value: 'slow', source: { file: 'counter/tasks.py', line: 10 } },
      { value: 'mail', source: { file: 'counter/tasks.py', line: 15 } },
      { value: 'reports', source: { file: 'counter/tasks.py', line: 20 } },
    ]);
    expect(facts.warnings).toContain('1 task decorator(s) name their queue with an expression not read (counter/tasks.py:25): add each such queue to --celery-queues, or its tasks are never run');
    expect(detectionReport(facts).join('\n')).toMatch(/task queue\s+mail\s+\[counter\/tasks\.py:15\]/);
  });

  it("reads Celery's old CELERY_DEFAULT_QUEUE where Celery does (no namespace), and warns where it ignores it (a namespace)", () => {
    const files = celeryRedis();
    files['mysite/settings.py'] += 'CELERY_DEFAULT_QUEUE = "low_priority"\n';
    const namespaced = detect(files);
    expect(namespaced.processes?.celery?.queues.value).toEqual(['celery']);
    expect(namespaced.warnings.join('\n')).toMatch(
      /^mysite\/settings\.py:\d+: CELERY_DEFAULT_QUEUE is Celery's old name, which it ignores under config_from_object\(namespace=\.\.\.\) \[mysite\/celery\.py:7\].*rename it CELERY_TASK_DEFAULT_QUEUE$/m,
    );
    files['mysite/celery.py'] = files['mysite/celery.py']!.replace(', namespace="CELERY"', '');
    const plain = detect(files);
    expect(plain.processes?.celery?.queues).toMatchObject({ value: ['low_priority'], source: { file: 'mysite/settings.py' } });
    expect(plain.warnings.join('\n')).not.toContain('old name');
  });

  it('reads django-celery-beat in INSTALLED_APPS', () => {
    const files = celeryRedis();
    files['mysite/settings.py'] += 'INSTALLED_APPS += ["django_celery_beat"]\n';
    expect(detect(files).processes?.celery?.databaseScheduler?.value).toBe(true);
  });

  it('warns when celery is installed but no Celery(...) app is found, and still reads its settings (--celery-app can name the app)', () => {
    const files = celeryRedis();
    files['mysite/celery.py'] = '# empty\n';
    const facts = detect(files);
    expect(facts.processes?.celery?.app).toBeUndefined();
    expect(facts.processes?.celery).toMatchObject({ prefix: 'CELERY_', queues: { value: ['celery'] } });
    expect(facts.processes?.celery?.broker?.value.url).toBe('redis://localhost:6379/0');
    expect(facts.warnings.join('\n')).toContain('--celery-app');
    expect(detectionReport(facts).join('\n')).toMatch(/Celery app\s+not found \(--celery-app names it\)/);
  });

  it("finds the app in another package's celery.py when none is beside the settings, the settings' package first", () => {
    const files = celeryRedis();
    files['mysite/celery.py'] = '# empty\n';
    files['jobs/__init__.py'] = '';
    files['jobs/celery.py'] = 'from celery import Celery\n\nqueue_app = Celery("jobs")\nqueue_app.config_from_object("django.conf:settings", namespace="JOBS")\n';
    const celery = detect(files).processes?.celery;
    expect(celery?.app).toEqual({ value: 'jobs.celery:queue_app', source: { file: 'jobs/celery.py', line: 3 } });
    expect(celery?.prefix).toBe('JOBS_');
    // One beside the settings wins over another package's.
    expect(detect({ ...celeryRedis(), 'jobs/celery.py': files['jobs/celery.py']! }).processes?.celery?.app?.value).toBe('mysite.celery:app');
  });

  it("warns when config_from_object's namespace is not a literal string", () => {
    const files = celeryRedis();
    files['mysite/celery.py'] = 'import os\nfrom celery import Celery\n\napp = Celery("x")\napp.config_from_object("django.conf:settings", namespace=os.environ.get("NS", "CELERY"))\n';
    const facts = detect(files);
    expect(facts.processes?.celery?.prefix).toBe('CELERY_');
    expect(facts.warnings).toContain("mysite/celery.py:4: config_from_object's namespace is not a literal string: the settings' prefix is taken to be CELERY_");
  });

  it('warns when kombu is held below 5.3 on a Redis broker (tasks lost on a worker stop): pinned, capped or locked; not when newer is allowed, nor on RabbitMQ', () => {
    const warning = (files: fixtures.Files) => detect(files).warnings.find((text) => text.includes('celery/kombu#1733'));
    const withRequirements = (lines: string) => {
      const files = celeryRedis();
      files['requirements.txt'] += lines;
      return files;
    };
    expect(warning(withRequirements('kombu==5.2.4\n'))).toMatch(/^kombu ==5\.2\.4 \[requirements\.txt:\d+\] loses a queued task .*kombu 5\.3\.0/);
    expect(warning(withRequirements('kombu<5.3\n'))).toBeDefined();
    expect(warning(withRequirements('kombu~=5.2.1\n'))).toBeDefined();
    expect(warning(withRequirements('kombu==5.2.*\n'))).toBeDefined();
    expect(warning(withRequirements('kombu>=5.2\n'))).toBeUndefined();
    expect(warning(withRequirements('kombu~=5.2\n'))).toBeUndefined();
    expect(warning(withRequirements('kombu==5.3.0\n'))).toBeUndefined();
    expect(warning(withRequirements('kombu==5.*\n'))).toBeUndefined();
    // celery alone does not hold kombu back (celery 5.2 allows kombu up to 6).
    expect(warning(withRequirements('celery==5.2.7\n'))).toBeUndefined();
    const onRabbit = withRequirements('kombu==5.2.4\n');
    onRabbit['mysite/settings.py'] += 'CELERY_BROKER_URL = "amqp://guest@rabbit//"\n';
    expect(warning(onRabbit)).toBeUndefined();
    // A lock file's version decides, with its line.
    const locked = celeryRedis();
    delete locked['requirements.txt'];
    locked['pyproject.toml'] = '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = ["Django>=4.2", "gunicorn", "celery>=5.2", "redis"]\n';
    const lock = (kombu: string) => `version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "django"\nversion = "4.2.1"\n\n[[package]]\nname = "kombu"\nversion = "${kombu}"\n`;
    expect(warning({ ...locked, 'uv.lock': lock('5.2.4') })).toMatch(/^kombu 5\.2\.4 \[uv\.lock:\d+\]/);
    expect(warning({ ...locked, 'uv.lock': lock('5.5.3') })).toBeUndefined();
  });

  it("reads django-rq's queues and their URLs", () => {
    const rq = detect(rqProject()).processes?.rq;
    expect(rq?.queues.value).toEqual(['default', 'low']);
    expect(rq?.queues.source?.file).toBe('mysite/settings.py');
    expect(rq?.urls.map((url) => url.value)).toEqual([
      { setting: 'RQ_QUEUES["default"]["URL"]', url: 'redis://localhost:6379/0', env: 'REDIS_URL' },
      { setting: 'RQ_QUEUES["low"]["URL"]', url: 'redis://localhost:6379/0', env: 'REDIS_URL' },
    ]);
  });

  it('reads a Procfile, each process with its line', () => {
    const procfile = detect(procfileProject()).processes?.procfile;
    expect(procfile?.value.map((process) => [process.name, process.line])).toEqual([
      ['release', 2],
      ['web', 3],
      ['clock', 4],
    ]);
  });

  it('skips Procfile lines that are not name: command, and says where', () => {
    const { processes, problems } = parseProcfile('web: gunicorn app\nnot a process\nweb: again\n\n');
    expect(processes).toEqual([{ name: 'web', command: 'gunicorn app', line: 1 }]);
    expect(problems).toEqual(['Procfile:2: not a "name: command" line, skipped', 'Procfile:3: web is defined twice; the first one is kept']);
  });
});
