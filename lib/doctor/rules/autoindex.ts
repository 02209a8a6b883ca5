import { findAll } from '../../nginx/parse.js';
import { rewrite, type Rule } from '../rule.js';

export const autoindexOn: Rule = {
  id: 'autoindex-on',
  severity: 'medium',
  title: 'directory listing on',
  why: 'autoindex on lists every file in the folder to anyone, including files nobody meant to link to.',
  check(facts) {
    return findAll(facts.nginx.directives, 'autoindex')
      .filter((directive) => directive.args[0] === 'on')
      .map((directive) => ({
        file: directive.file,
        line: directive.line,
        message: 'autoindex on: requests for a folder get a listing of its files',
        fix: { file: directive.file, edits: [rewrite(facts, directive, ['off'])] },
      }));
  },
};
