import { boolSetting, stringItems } from '../django.js';
import type { Hit } from '../finding.js';
import { findAll } from '../../nginx/parse.js';
import { proxyHeaders } from '../../nginx/model.js';
import { replaceInLine, type Rule } from '../rule.js';
import { trustedSslHeader } from './forwarded.js';
import { setProxyHeader } from './proxy-headers.js';
import { knownDjangoProxying } from './upstream.js';

export const djangoDebug: Rule = {
  id: 'django-debug',
  severity: 'high',
  title: 'DEBUG on in production settings',
  why: 'With DEBUG on, any error page shows settings, paths and source code to whoever caused it, and Django keeps every SQL query in memory.',
  check(facts) {
    const debug = facts.django && boolSetting(facts.django, 'DEBUG');
    if (!debug?.value) return [];
    const { file, line } = debug.setting;
    const edit = replaceInLine(facts, file, line, 'True', 'False');
    return [{ file, line, message: `DEBUG = True in ${facts.django!.settingsModule}, the settings the server runs with`, fix: edit && { file, edits: [edit] } }];
  },
};

export const allowedHostsStar: Rule = {
  id: 'allowed-hosts-star',
  severity: 'medium',
  title: 'ALLOWED_HOSTS accepts any host',
  why: 'ALLOWED_HOSTS = ["*"] makes Django build password-reset links and absolute URLs from whatever Host header a client sends.',
  check(facts) {
    const setting = facts.django?.settings.get('ALLOWED_HOSTS');
    if (!setting || !stringItems(setting.value)?.includes('*')) return [];
    const names = [
      ...new Set(
        findAll(facts.nginx.directives, 'server_name')
          .flatMap((d) => d.args)
          .filter((n) => n && n !== '_' && !n.startsWith('~') && !n.includes('*')),
      ),
    ];
    const edit = names.length
      ? (replaceInLine(facts, setting.file, setting.line, `"*"`, names.map((n) => JSON.stringify(n)).join(', ')) ??
        replaceInLine(facts, setting.file, setting.line, `'*'`, names.map((n) => `'${n}'`).join(', ')))
      : undefined;
    return [
      {
        file: setting.file,
        line: setting.line,
        message: `ALLOWED_HOSTS contains "*"${names.length ? `; nginx answers for ${names.join(', ')}` : ''}`,
        fix: edit && { file: setting.file, edits: [edit] },
      },
    ];
  },
};

/** Django's proxy settings and what nginx really sends. */
export const djangoProxySettings: Rule = {
  id: 'django-proxy-settings',
  severity: 'high',
  title: "Django's proxy settings contradict nginx",
  why: 'Django trusts the headers its proxy settings name; a header nginx never sets comes straight from the client, so a client decides what Django believes.',
  check(facts) {
    const django = facts.django;
    if (!django) return [];
    const locations = facts.servers.flatMap((server) => knownDjangoProxying(facts, server));
    if (locations.length === 0) return [];
    const hits: Hit[] = [];
    const unsetIn = (header: string) => locations.filter((l) => !proxyHeaders(l, facts.nginx.directives).has(header));
    const trusted = trustedSslHeader(facts);
    // X-Forwarded-Proto unset is forwarded-proto-from-client's finding.
    if (trusted && trusted.header !== 'x-forwarded-proto') {
      // Unset, cleared (""), or set from the other scheme variable ($scheme sends "https", $https "on"): never what Django takes as HTTPS.
      const neverHttps = (l: (typeof locations)[number]) => {
        const set = proxyHeaders(l, facts.nginx.directives).get(trusted.header);
        return !set || set.value === '' || (trusted.nginxValue !== undefined && ['$scheme', '$https'].includes(set.value) && set.value !== trusted.nginxValue);
      };
      for (const location of locations.filter(neverHttps)) {
        const set = proxyHeaders(location, facts.nginx.directives).get(trusted.header);
        hits.push({
          file: trusted.file,
          line: trusted.line,
          message: `SECURE_PROXY_SSL_HEADER trusts ${trusted.header} = "${trusted.value}", which "location ${location.uri}" (${location.directive.file}:${location.directive.line}) ${set ? `sets to ${set.value === '' ? '""' : set.value}, never "${trusted.value}"` : 'never sets'}`,
          // The value Django takes as HTTPS ("on" for X-Forwarded-Ssl is $https, not $scheme).
          fix: trusted.nginxValue ? { file: location.directive.file, edits: [setProxyHeader(facts, location, trusted.name, trusted.nginxValue)] } : undefined,
        });
      }
    }
    for (const [name, header, value] of [
      ['USE_X_FORWARDED_HOST', 'x-forwarded-host', '$http_host'],
      ['USE_X_FORWARDED_PORT', 'x-forwarded-port', '$server_port'],
    ] as const) {
      const setting = boolSetting(django, name);
      if (!setting?.value) continue;
      for (const location of unsetIn(header)) {
        hits.push({
          file: setting.setting.file,
          line: setting.setting.line,
          severity: 'medium',
          message: `${name} = True, but "location ${location.uri}" (${location.directive.file}:${location.directive.line}) never sets ${header}: the client's copy is used`,
          fix: { file: location.directive.file, edits: [setProxyHeader(facts, location, header, value)] },
        });
      }
    }
    const redirect = boolSetting(django, 'SECURE_SSL_REDIRECT');
    const tls = findAll(facts.nginx.directives, 'listen').some((d) => d.args.includes('ssl') || d.args.includes('quic'));
    if (redirect?.value && !tls && !trusted) {
      hits.push({
        file: redirect.setting.file,
        line: redirect.setting.line,
        severity: 'medium',
        message: 'SECURE_SSL_REDIRECT = True, but nginx listens without TLS and Django has no SECURE_PROXY_SSL_HEADER: every request is redirected to an https:// address, again and again',
      });
    }
    return hits;
  },
};
