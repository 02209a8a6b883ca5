import { describe, expect, it } from 'vitest';
import { literalRoute, routePrefix } from '../../lib/detect/asgi.js';
import { asgiCauses } from '../../lib/health/diagnose-asgi.js';
import { serverNotices } from '../../lib/model/features/app-server.js';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import { GENERATED_FILES, UVICORN_WORKER_CLASS } from '../../lib/config/names.js';
import { asgiOnly, channelsEcho } from '../fixtures/asgi.js';
import { startproject, writeProject } from '../fixtures/projects.js';
import { defaultAnswers, renderAll } from './helpers.js';
import { nginxTest } from './nginx-t.js';

describe('ASGI detection', () => {
  it('reads ASGI_APPLICATION, Channels, the server and the websocket routes, each with its file and line', () => {
    const facts = detectProject(writeProject(channelsEcho()));
    expect(facts.asgi?.application).toEqual({ value: 'mysite.asgi.application', source: { file: 'mysite/settings.py', line: expect.any(Number) } });
    expect(facts.asgi?.reason).toMatch(/^ASGI_APPLICATION is set \(mysite\/settings\.py:\d+\)$/);
    expect(facts.asgi?.channels?.source?.file).toBe('mysite/settings.py');
    expect(facts.asgi?.servers).toEqual([{ value: 'uvicorn', source: { file: 'requirements.txt', line: 4 } }]);
    // Both routes start with ws/: one prefix, from the first route that gives it.
    expect(facts.asgi?.websocketPaths).toEqual([{ value: '/ws/', source: { file: 'relay/routing.py', line: 6 } }]);
    expect(detectionReport(facts).join('\n')).toMatch(/websocket prefix +\/ws\/ +\[relay\/routing\.py:6\]/);
  });

  it('takes an ASGI-only project (no WSGI application) as ASGI, with the asgi module beside the settings', () => {
    const facts = detectProject(writeProject(asgiOnly()));
    expect(facts.wsgiApplication).toBeUndefined();
    expect(facts.asgi?.application).toEqual({ value: 'mysite.asgi.application', source: { file: 'mysite/asgi.py' } });
    expect(facts.asgi?.reason).toBe('no WSGI application, and mysite/asgi.py is an ASGI one');
    expect(facts.asgi?.websocketPaths).toEqual([]);
  });

  it("leaves a WSGI project with startproject's unused asgi.py alone", () => {
    expect(detectProject(writeProject(startproject())).asgi).toBeUndefined();
  });

  it('derives a location prefix from the literal start of a route', () => {
    expect(routePrefix('ws/echo/', false)).toBe('/ws/');
    expect(routePrefix('ws/<str:room>/', false)).toBe('/ws/');
    expect(routePrefix('^ws/chat/(?P<room>\\w+)/$', true)).toBe('/ws/');
    expect(routePrefix('/live/feed', false)).toBe('/live/');
    // Nothing literal enough to give nginx a prefix.
    expect(routePrefix('<str:room>/', false)).toBeUndefined();
    expect(routePrefix('^(?P<room>\\w+)/$', true)).toBeUndefined();
    expect(routePrefix('echo', false)).toBeUndefined();
  });

  it('keeps the routes without parameters as whole paths, for the check to open', () => {
    expect(literalRoute('ws/echo/', false)).toBe('/ws/echo/');
    expect(literalRoute('^ws/echo/$', true)).toBe('/ws/echo/');
    expect(literalRoute('ws/<str:room>/', false)).toBeUndefined();
    expect(literalRoute('^ws/chat/(?P<room>\\w+)/$', true)).toBeUndefined();
    expect(detectProject(writeProject(channelsEcho())).asgi?.websocketRoutes.map((route) => route.value)).toEqual(['/ws/echo/']);
  });
});

describe('ASGI answers and output', () => {
  it('defaults to gunicorn with uvicorn workers when uvicorn is a dependency, and stores the ASGI answers', () => {
    const answers = defaultAnswers(writeProject(channelsEcho()));
    expect(answers).toMatchObject({ appServer: 'uvicorn', asgiApplication: 'mysite.asgi.application', websocketPaths: ['/ws/'] });
    expect(answers.wsgiApplication).toBeUndefined();
  });

  it('defaults to daphne for Channels without uvicorn', () => {
    expect(defaultAnswers(writeProject(channelsEcho('daphne'))).appServer).toBe('daphne');
  });

  it('asks nothing new of a WSGI project', () => {
    const answers = defaultAnswers(writeProject(startproject()));
    expect(answers.appServer).toBeUndefined();
    expect(answers.wsgiApplication).toBe('mysite.wsgi.application');
  });

  it('serves an ASGI-only project with uvicorn workers, never the sync worker', () => {
    const { output } = renderAll(asgiOnly());
    const dockerfile = output.get(GENERATED_FILES.dockerfile)!;
    expect(dockerfile).toContain(`CMD ["gunicorn", "--config", "gunicorn.conf.py", "-k", "${UVICORN_WORKER_CLASS}", "mysite.asgi:application"]`);
    // uvicorn is in the requirements; gunicorn is not, so it is installed.
    expect(dockerfile).toContain('RUN pip install gunicorn\n');
    expect(dockerfile).not.toContain('RUN pip install uvicorn');
  });

  it('runs daphne on the app port when chosen, installing it when the project lacks it', () => {
    const { output, config } = renderAll(channelsEcho(), { appServer: 'daphne' });
    const dockerfile = output.get(GENERATED_FILES.dockerfile)!;
    expect(dockerfile).toContain(`CMD ["daphne", "--bind", "0.0.0.0", "--port", "${config.gunicorn.port}", "--proxy-headers", "mysite.asgi:application"]`);
    expect(dockerfile).toContain('RUN pip install daphne\n');
    expect(dockerfile).not.toContain('RUN pip install gunicorn');
    // daphne reads no gunicorn.conf.py: none is written (the uvicorn stack's gunicorn reads its own).
    expect(output.has(GENERATED_FILES.gunicornConf)).toBe(false);
    expect(renderAll(channelsEcho()).output.has(GENERATED_FILES.gunicornConf)).toBe(true);
  });

  it('proxies each websocket prefix with the Upgrade headers, no buffering and a long read, and nginx -t accepts it', async () => {
    const { output, config } = renderAll(channelsEcho());
    const conf = output.get(GENERATED_FILES.nginxConf)!;
    expect(conf).toContain('map $http_upgrade $connection_upgrade {');
    const location = conf.slice(conf.indexOf('location /ws/ {'), conf.indexOf('}', conf.indexOf('location /ws/ {')));
    expect(location).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(location).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(location).toContain('proxy_buffering off;');
    expect(location).toContain(`proxy_read_timeout ${config.server.websocketTimeout}s;`);
    const result = await nginxTest(conf, `127.0.0.1:${config.gunicorn.port}`);
    expect(result.stderr).toMatch(/test is successful/);
    expect(result.status).toBe(0);
    expect(config.server.websocketProbe).toBe('/ws/echo/');
  });

  it('names the server that runs in every file a daphne stack is given, and documents no variable only gunicorn reads', () => {
    const { output } = renderAll(channelsEcho(), { appServer: 'daphne' });
    for (const [file, text] of output) {
      // .dockerignore lists gunicorn.conf.py among the files the generator writes; the entrypoint
      // unsets every empty optional variable of any server (unsetting one nobody reads changes nothing).
      if (file === GENERATED_FILES.dockerignore || file === GENERATED_FILES.entrypoint) continue;
      expect({ file, lines: text.split('\n').filter((line) => /gunicorn/i.test(line)) }).toEqual({ file, lines: [] });
    }
    expect(output.get(GENERATED_FILES.nginxConf)).toContain('proxies everything else to daphne.');
    expect(output.get(GENERATED_FILES.nginxConf)).toContain("daphne sets no limit on a request's time");
    expect(output.get(GENERATED_FILES.compose)).toContain('daphne is not answering');
    // The uvicorn stack runs gunicorn, whose timeout does not end a request of an async worker.
    const uvicorn = renderAll(channelsEcho()).output.get(GENERATED_FILES.nginxConf)!;
    expect(uvicorn).toContain('proxies everything else to gunicorn.');
    expect(uvicorn).toContain('restarts only a uvicorn worker that stops answering');
  });

  it('says that a project naming hypercorn is served by gunicorn with uvicorn workers instead, and refuses --app-server hypercorn with why', () => {
    const files = { ...asgiOnly(), 'requirements.txt': 'Django>=4.2,<5.3\nhypercorn>=0.16\n' };
    const root = writeProject(files);
    const facts = detectProject(root);
    expect(facts.asgi?.servers).toEqual([{ value: 'hypercorn', source: { file: 'requirements.txt', line: 2 } }]);
    const { config } = renderAll(files);
    expect(config.server.kind).toBe('uvicorn');
    expect(serverNotices(facts, config)).toEqual([
      'your dependencies name hypercorn (requirements.txt:2), which the stack does not run: it serves mysite.asgi:application with gunicorn running uvicorn workers (--app-server uvicorn), installed in the image. ' +
        "Of the ASGI servers only uvicorn and daphne are run and checked end to end here; hypercorn's own settings (a hypercorn.toml, its command line) are not read (docs/asgi.md).",
    ]);
    expect(serverNotices(facts, renderAll(files, { appServer: 'daphne' }).config)[0]).toContain('it serves mysite.asgi:application with daphne (--app-server daphne), installed in the image.');
    // A project that names no hypercorn hears nothing of it.
    expect(serverNotices(detectProject(writeProject(asgiOnly())), renderAll(asgiOnly()).config)).toEqual([]);
    expect(() => renderAll(files, { appServer: 'hypercorn' as never })).toThrow(/hypercorn is not run by this generator \(no test image has it/);
  });

  it('writes no websocket map or location for a WSGI project', () => {
    const conf = renderAll(startproject()).output.get(GENERATED_FILES.nginxConf)!;
    expect(conf).not.toContain('$http_upgrade');
  });
});

describe('ASGI diagnosis', () => {
  it("names an ASGI application under gunicorn's sync worker from the TypeError in the app's log", () => {
    const { config } = renderAll(channelsEcho(), { appServer: 'gunicorn', wsgiApplication: 'mysite.asgi.application' });
    const log = [
      '[2026-12-02 15:00:00 +0000] [7] [ERROR] Error handling request /',
      'Traceback (most recent call last):',
      "TypeError: ProtocolTypeRouter.__call__() missing 1 required positional argument: 'send'",
    ].join('\n');
    const [cause] = asgiCauses(config, log);
    expect(cause).toMatch(/^An ASGI application is served by a WSGI server: gunicorn's sync worker calls mysite\.asgi:application as WSGI/);
    expect(cause).toContain('("TypeError: ProtocolTypeRouter.__call__() missing 1 required positional argument: \'send\'")');
    expect(asgiCauses(config, 'GET / 200')).toEqual([]);
  });
});
