/** Where a fix for a proxied header goes, so nginx's all-or-nothing inheritance is kept. */
import type { Edit } from '../finding.js';
import { effectiveAll, own, proxyHeaders, type Location } from '../../nginx/model.js';
import { insertAfter, rewrite, type DoctorFacts } from '../rule.js';

/**
 * Sets header `name` to `value` for `location`: rewrites the line that sets it, or adds a line
 * beside the proxy_set_header lines that apply (a new one in the location alone would drop them).
 */
export function setProxyHeader(facts: DoctorFacts, location: Location, name: string, value: string): Edit {
  const existing = proxyHeaders(location, facts.nginx.directives).get(name.toLowerCase());
  if (existing) return rewrite(facts, existing.directive, [existing.directive.args[0]!, value]);
  const applying = effectiveAll(location.chain, 'proxy_set_header', facts.nginx.directives);
  const after = applying.at(-1) ?? own(location.directive, 'proxy_pass')[0]!;
  return insertAfter(facts, after, [`proxy_set_header ${name} ${value};`]);
}
