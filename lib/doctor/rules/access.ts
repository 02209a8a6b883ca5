/**
 * Access checks that let through more than they say: valid_referers with "none", an
 * Origin/Referer regex that matches other hosts, allow without deny, an `if` in a location
 * doing more than return, and a resolver outside the machine.
 */
import type { Hit } from '../finding.js';
import { own } from '../../nginx/model.js';
import { replaceInLine, type Rule } from '../rule.js';
import { isTls } from './tls-layer.js';
import { everyDirective, ifCondition, named } from './variables.js';

export const validReferersNone: Rule = {
  id: 'valid-referers-none',
  severity: 'medium',
  title: 'valid_referers accepts requests with no Referer',
  why: '"none" in valid_referers lets any request without a Referer header through, which is every request a script or curl makes, so the check stops nothing but browsers.',
  check(facts) {
    return named(facts, 'valid_referers')
      .filter(({ directive }) => directive.args.includes('none'))
      .map(({ directive }) => ({ file: directive.file, line: directive.line, message: `valid_referers ${directive.args.join(' ')}: "none" accepts a missing Referer` }));
  },
};

/**
 * What is wrong with a regex meant to accept one origin ("^https://example\.com/"), or
 * undefined. It must be anchored at the start, its host must have no unescaped "." (any
 * character), and the host must end where the regex says ("/" or "$"), or "example.com.evil.net"
 * matches too.
 */
export function originRegexFlaw(pattern: string): string | undefined {
  // Top-level alternatives are separate regexes, each needing its own anchor.
  const branches = topLevelSplit(pattern);
  for (const branch of branches) {
    if (!branch.startsWith('^')) return `"${branch}" is not anchored with ^, so the allowed origin may appear anywhere in the header`;
    const scheme = /:(\\\/|\/){2}/.exec(branch);
    if (!scheme) continue;
    const host = hostPart(branch.slice(scheme.index + scheme[0].length));
    if (host.unescapedDot) return `the host part "${host.text}" has an unescaped ".", which matches any character`;
    if (!host.ended) return `the host part "${host.text}" is not followed by "/" or "$", so ${host.text.replaceAll('\\', '')}.evil.example matches`;
  }
  return undefined;
}

function topLevelSplit(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  out.push(pattern.slice(start));
  return out;
}

/** The host part: up to the first "/" (or "\/") or "$" outside groups and classes. */
function hostPart(rest: string): { text: string; ended: boolean; unescapedDot: boolean } {
  let depth = 0;
  let inClass = false;
  let unescapedDot = false;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === '\\') {
      if (rest[i + 1] === '/' && depth === 0) return { text: rest.slice(0, i), ended: true, unescapedDot };
      i++;
      continue;
    }
    if (inClass) {
      inClass = ch !== ']';
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '.') unescapedDot = true;
    else if ((ch === '/' || ch === '$') && depth === 0) return { text: rest.slice(0, i), ended: true, unescapedDot };
    else if ((ch === '/' || ch === '$') && depth > 0) return { text: rest.slice(0, i), ended: true, unescapedDot }; // "(/|$)"
  }
  return { text: rest, ended: false, unescapedDot };
}

export const originRegex: Rule = {
  id: 'origin-regex',
  severity: 'medium',
  title: 'Origin or Referer checked with a loose regex',
  why: 'An Origin or Referer check (for CORS, CSRF or framing) whose regex is unanchored or has an unescaped dot accepts hosts an attacker can register, such as "example.com.evil.net" or "exampleXcom"; on an HTTPS site, one that accepts "http://" also takes a page anyone on the network can forge.',
  check(facts) {
    return named(facts, 'if').flatMap(({ directive, chain }): Hit[] => {
      const { variable, op, operand } = ifCondition(directive);
      if (!['$http_origin', '$http_referer'].includes(variable) || !op?.includes('~') || !operand) return [];
      const at = { file: directive.file, line: directive.line };
      const flaw = originRegexFlaw(operand);
      if (flaw) return [{ ...at, message: `if (${variable} ${op} ${operand}): ${flaw}` }];
      // The site is HTTPS, so its own pages send an https:// Origin/Referer; an http:// one
      // comes from a plain-HTTP page a network attacker can answer for (no HSTS there).
      const server = facts.servers.find((s) => chain.includes(s.directive));
      if (!server || !isTls(server) || !acceptsPlainHttp(operand, op.includes('*'))) return [];
      const https = replaceInLine(facts, directive.file, directive.line, 'https?:', 'https:');
      return [
        {
          ...at,
          severity: 'low',
          message: `if (${variable} ${op} ${operand}): accepts an "http://" ${variable === '$http_origin' ? 'Origin' : 'Referer'} while this server serves HTTPS, so a plain-HTTP page (which anyone on the network can forge) passes; accept "https://" only`,
          fix: https && { file: directive.file, edits: [https] },
        },
      ];
    });
  },
};

/** Does an anchored branch's scheme (what comes before "://") match "http"? */
function acceptsPlainHttp(pattern: string, caseless: boolean): boolean {
  return topLevelSplit(pattern).some((branch) => {
    const scheme = /:(\\\/|\/){2}/.exec(branch);
    if (!branch.startsWith('^') || !scheme) return false;
    try {
      return new RegExp(`${branch.slice(0, scheme.index)}$`, caseless ? 'i' : '').test('http');
    } catch {
      return false; // PCRE JavaScript cannot read: not judged
    }
  });
}

export const allowWithoutDeny: Rule = {
  id: 'allow-without-deny',
  severity: 'medium',
  title: 'allow without deny',
  why: 'allow only lets addresses in; without a "deny all" after it every other address is let in too, so the block protects nothing.',
  check(facts) {
    return (
      everyDirective(facts.nginx.directives)
        // "allow all" alone is meant to let everyone in (it undoes an outer deny): nothing to deny.
        .filter(({ directive }) => directive.block && own(directive, 'allow').some((a) => a.args[0] !== 'all') && own(directive, 'deny').length === 0)
        .map(({ directive }) => {
          const allow = own(directive, 'allow').find((a) => a.args[0] !== 'all')!;
          return { file: allow.file, line: allow.line, message: `"${directive.name} ${directive.args.join(' ')}" allows ${allow.args[0]} but denies no one`, fix: undefined };
        })
    );
  },
};

export const ifInLocation: Rule = {
  id: 'if-in-location',
  severity: 'medium',
  title: '"if" in a location doing more than return',
  why: 'nginx turns an "if" inside a location into a location of its own, so directives in it (add_header, proxy_pass, try_files, set) replace or skip what the location around it does; only return and "rewrite ... last" are safe there.',
  check(facts) {
    return named(facts, 'if')
      .filter(({ chain }) => chain.at(-1)?.name === 'location')
      .flatMap(({ directive }) => {
        const unsafe = (directive.block ?? []).filter((d) => d.name !== 'return' && !(d.name === 'rewrite' && d.args.at(-1) === 'last'));
        return unsafe.length > 0 ? [{ file: unsafe[0]!.file, line: unsafe[0]!.line, message: `"${unsafe[0]!.name}" inside "if ${directive.args.join(' ')}" in a location` }] : [];
      });
  },
};

/** Loopback, private (RFC 1918), link-local, unique-local and Docker's own DNS: inside the deployment. */
const LOCAL_RESOLVER = /^(\[?::1\]?|\[?f[cd][0-9a-f]{2}:|\[?fe80:|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|localhost\b)/i;

export const resolverExternal: Rule = {
  id: 'resolver-external',
  severity: 'medium',
  title: 'DNS resolver outside the machine',
  why: "nginx's resolver does not check answers beyond the query id, so a resolver reached over the internet lets anyone on the path spoof the addresses nginx proxies to.",
  check(facts) {
    return named(facts, 'resolver').flatMap(({ directive }) => {
      const external = directive.args.filter((a) => !a.includes('=') && !LOCAL_RESOLVER.test(a) && /^[\d[]|^[0-9a-f:]+$/i.test(a));
      return external.length > 0
        ? [{ file: directive.file, line: directive.line, message: `resolver ${external.join(' ')} is reached over the network; use a local resolver (127.0.0.1, or Docker's 127.0.0.11)` }]
        : [];
    });
  },
};
