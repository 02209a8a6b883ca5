import { effective, proxying } from '../../nginx/model.js';
import { insertFirst, rewrite, type Rule } from '../rule.js';

/** nginx's default body limit is 1m: larger uploads get a bare 413 before Django sees them. */
export const clientMaxBodySize: Rule = {
  id: 'client-max-body-size',
  severity: 'low',
  title: 'uploads limited to 1 MB',
  why: "The project stores uploads (MEDIA_ROOT), and nginx's default client_max_body_size of 1m refuses any larger upload with a 413 that Django never sees.",
  check(facts) {
    if (!facts.django?.mediaRoot) return [];
    return facts.servers.flatMap((server) => {
      const location = proxying(server)[0];
      if (!location) return [];
      const size = effective(location.chain, 'client_max_body_size', facts.nginx.directives);
      if (size && !['1m', '1M', '1024k', '1024K'].includes(size.args[0] ?? '')) return [];
      const edit = size ? rewrite(facts, size, ['10m']) : insertFirst(facts, server.directive, ['client_max_body_size 10m;']);
      const at = size ?? server.directive;
      return [
        {
          file: at.file,
          line: at.line,
          message: size ? 'client_max_body_size 1m while the project takes uploads' : 'no client_max_body_size: nginx allows 1m, while the project takes uploads',
          fix: edit && { file: at.file, edits: [edit] },
        },
      ];
    });
  },
};

export const serverTokens: Rule = {
  id: 'server-tokens',
  severity: 'low',
  category: 'hardening',
  title: 'server_tokens on',
  why: "server_tokens on puts nginx's exact version in every response and error page, which tells an attacker which known bugs to try.",
  check(facts) {
    const seen = new Set<unknown>();
    return facts.servers.flatMap((server) => {
      const tokens = effective(server.chain, 'server_tokens', facts.nginx.directives);
      if (tokens?.args[0] === 'off' || (tokens && seen.has(tokens))) return [];
      seen.add(tokens);
      const edit = tokens ? rewrite(facts, tokens, ['off']) : insertFirst(facts, server.directive, ['server_tokens off;']);
      const at = tokens ?? server.directive;
      return [
        {
          file: at.file,
          line: at.line,
          message: tokens ? `server_tokens ${tokens.args[0]}` : 'server_tokens is not set, and nginx sends its version by default',
          fix: edit && { file: at.file, edits: [edit] },
        },
      ];
    });
  },
};
