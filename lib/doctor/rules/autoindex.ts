import { autoindexesOn, NGINX_RULES } from '../../nginx/rules.js';
import { rewrite, type Rule } from '../rule.js';

export const autoindexOn: Rule = {
  ...NGINX_RULES.autoindexOn,
  severity: 'medium',
  check(facts) {
    return autoindexesOn(facts.nginx.directives).map((directive) => ({
      file: directive.file,
      line: directive.line,
      message: 'autoindex on: requests for a folder get a listing of its files',
      fix: { file: directive.file, edits: [rewrite(facts, directive, ['off'])] },
    }));
  },
};
