import { absoluteFolder, sameFolder } from '../django.js';
import { proxying } from '../../nginx/model.js';
import { insertBefore, type Rule } from '../rule.js';
import { fileLocations, servedAt, urlOf } from './served.js';

/** No location serves STATIC_URL, so static requests go to the proxied app. */
export const staticViaGunicorn: Rule = {
  id: 'static-via-gunicorn',
  severity: 'high',
  title: 'static files reach gunicorn',
  why: 'With DEBUG off Django serves no static files, so without an nginx location for STATIC_URL every stylesheet and script is a 404 (or ties up a gunicorn worker, with WhiteNoise).',
  check(facts) {
    const django = facts.django;
    const url = urlOf(facts, 'static');
    if (!django || !url || servedAt(facts, 'static').length > 0) return [];
    const root = django.staticRoot;
    if (root && fileLocations(facts).some((served) => sameFolder(served.folder, root, django.root))) return []; // static-url's case
    return facts.servers.flatMap((server) => {
      const proxy = proxying(server)[0];
      if (!proxy) return [];
      const folder = root ? `${absoluteFolder(root, django.root).replace(/\/+$/, '')}/` : '/path/to/STATIC_ROOT/';
      return [
        {
          file: proxy.directive.file,
          line: proxy.directive.line,
          severity: django.whitenoise ? ('low' as const) : undefined,
          message: django.whitenoise
            ? `no location for STATIC_URL ${url}: WhiteNoise serves static files from gunicorn's workers, which works, but nginx would do it without taking a worker`
            : `no location for STATIC_URL ${url}: static requests go to ${proxy.uri} and gunicorn, which serves none with DEBUG off`,
          fix: { file: proxy.directive.file, edits: [insertBefore(facts, proxy.directive, [`location ${url} {`, `    alias ${folder};`, '}', ''])] },
        },
      ];
    });
  },
};
