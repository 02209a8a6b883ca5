import { sameFolder } from '../django.js';
import { NGINX_RULES } from '../../nginx/rules.js';
import { rewrite, type Rule } from '../rule.js';
import { fileLocations, servedAt, urlOf } from './served.js';

/** The folder is served, but under another prefix than STATIC_URL / MEDIA_URL. */
export const staticUrl: Rule = {
  ...NGINX_RULES.staticUrl,
  severity: 'high',
  check(facts) {
    const django = facts.django;
    if (!django) return [];
    return (['static', 'media'] as const).flatMap((kind) => {
      const url = urlOf(facts, kind);
      const setting = kind === 'static' ? django.staticRoot : django.mediaRoot;
      if (!url || !setting || servedAt(facts, kind).length > 0) return [];
      return fileLocations(facts)
        .filter((served) => sameFolder(served.folder, setting, django.root))
        .map((served) => {
          const { directive, modifier } = served.location;
          const uri = served.alias && !served.folder.endsWith('/') ? url.replace(/\/$/, '') : url;
          return {
            file: directive.file,
            line: directive.line,
            message: `nginx serves ${setting.value} under ${served.location.uri}, but ${kind === 'static' ? 'STATIC_URL' : 'MEDIA_URL'} is ${url}`,
            fix: served.alias ? { file: directive.file, edits: [rewrite(facts, directive, modifier ? [modifier, uri] : [uri])] } : undefined,
          };
        });
    });
  },
};
