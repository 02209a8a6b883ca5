import { own, isPrefix } from '../nginx/model.js';
import { rewrite, type Rule } from '../rule.js';

/** `location /static { alias /x/; }`: "/static../" maps to "/x/../", the folder above. */
export const aliasTraversal: Rule = {
  id: 'alias-traversal',
  severity: 'high',
  title: 'alias path traversal (off-by-slash)',
  why: 'A prefix location and its alias that disagree on the trailing slash let "/static../" walk out of the folder and read the files beside it.',
  check(facts) {
    return facts.servers.flatMap((server) =>
      server.locations.filter(isPrefix).flatMap((location) => {
        const alias = own(location.directive, 'alias')[0];
        const folder = alias?.args[0];
        if (!alias || folder === undefined || location.uri.endsWith('/') === folder.endsWith('/') || folder.includes('$')) return [];
        const uri = location.uri.endsWith('/') ? location.uri : `${location.uri}/`;
        const args = location.modifier ? [location.modifier, uri] : [uri];
        const edits = [rewrite(facts, location.directive, args), ...(folder.endsWith('/') ? [] : [rewrite(facts, alias, [`${folder}/`])])];
        return [
          {
            file: alias.file,
            line: location.directive.line,
            message: `"location ${location.uri}" with "alias ${folder}": ${location.uri}../ reads ${folder.replace(/\/$/, '')}/../`,
            fix: location.directive.file === alias.file ? { file: alias.file, edits } : undefined,
          },
        ];
      }),
    );
  },
};
