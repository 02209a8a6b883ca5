/**
 * Version specifiers, decided by @renovatebot/pep440. Poetry's own constraint syntax
 * (^4.2, ~4.2, "4.2", ">=4.2 <5", "a || b") is converted to PEP 440 ranges first.
 */
import { compare, satisfies, valid } from '@renovatebot/pep440';

/** One PEP 440 clause, e.g. { operator: '>=', version: '4.2' }. */
export interface Clause {
  operator: string;
  version: string;
}

/** Clauses that must all hold; an empty range allows any version. */
export type Range = Clause[];

export const specifierText = (range: Range): string => range.map((clause) => clause.operator + clause.version).join(',');

/** Whether `version` satisfies one of the ranges (alternatives, as Poetry's `||`). */
export function allows(version: string, ranges: Range[]): boolean {
  return ranges.some((range) => range.length === 0 || satisfies(version, specifierText(range)));
}

/**
 * The lowest version the ranges allow, among `releases` and the versions the clauses name
 * themselves (so `>=4.2.7` gives 4.2.7 and `~=4.2.0` gives 4.2.0, not the next feature release).
 */
export function lowestAllowed(ranges: Range[], releases: readonly string[]): string | undefined {
  const named = ranges
    .flat()
    .map((clause) => clause.version)
    .filter((version) => valid(version) !== null);
  // Named versions first: on a tie (4.2 == 4.2.0) the one the user wrote is kept.
  const candidates = [...new Set([...named, ...releases])].filter((version) => allows(version, ranges));
  return candidates.length ? candidates.reduce((low, version) => (compare(version, low) < 0 ? version : low)) : undefined;
}

const OPERATOR_CHARS = new Set(['<', '>', '=', '!', '~', '^']);

/**
 * A Poetry constraint as PEP 440 ranges, by Poetry's documented rules:
 * ^4.2 → >=4.2,<5.0; ^0.2.3 → >=0.2.3,<0.3.0; ~4.2 → >=4.2,<4.3; 4.2.* → ==4.2.*; 4.2 → ==4.2; * → any.
 */
export function poetryConstraint(constraint: string): Range[] {
  return constraint.split('||').map((alternative) => clausesOf(alternative).flatMap(toPep440));
}

/** ">=4.2,<5" or ">= 4.2 <5" into operator/version pairs (Poetry allows both separators). */
function clausesOf(text: string): Clause[] {
  const clauses: Clause[] = [];
  let operator = '';
  let version = '';
  const flush = () => {
    if (version) clauses.push({ operator, version });
    operator = version = '';
  };
  for (const char of text) {
    if (char === ',' || char === ' ' || char === '\t') {
      if (version) flush();
    } else if (OPERATOR_CHARS.has(char)) {
      if (version) flush();
      operator += char;
    } else version += char;
  }
  flush();
  return clauses;
}

function toPep440({ operator, version }: Clause): Clause[] {
  if (version === '*') return [];
  const parts = version.split('.');
  const numbers = parts.map(Number);
  switch (operator) {
    case '^': {
      // Bump the leftmost non-zero part; when every given part is zero, the last one.
      const firstNonZero = numbers.findIndex((n) => n !== 0);
      const bump = firstNonZero === -1 ? numbers.length - 1 : firstNonZero;
      return [
        { operator: '>=', version },
        { operator: '<', version: upperBound(numbers, bump) },
      ];
    }
    case '~':
      return [
        { operator: '>=', version },
        { operator: '<', version: upperBound(numbers, numbers.length === 1 ? 0 : 1) },
      ];
    case '':
    case '=':
      return [{ operator: '==', version }];
    default:
      return [{ operator, version }];
  }
}

/** The version with part `index` incremented and every later part zero, at least major.minor long. */
function upperBound(numbers: number[], index: number): string {
  const length = Math.max(numbers.length, 2);
  return Array.from({ length }, (_, i) => (i < index ? numbers[i]! : i === index ? numbers[i]! + 1 : 0)).join('.');
}

/**
 * Whether every version the range allows is below `limit`: one of its clauses caps it there
 * (`<5.3`, `<=5.2.9`, `==5.2.4`, `==5.2.*`, `~=5.2.1`). A range with no such cap lets the
 * installer pick a newer release.
 */
export function cappedBelow(range: Range, limit: string): boolean {
  return range.some(({ operator, version }) => {
    const wildcard = version.endsWith('.*');
    const bare = wildcard ? version.slice(0, -2) : version;
    if (valid(bare) === null) return false;
    switch (operator) {
      case '<':
        return compare(bare, limit) <= 0;
      case '<=':
      case '===':
        return compare(bare, limit) < 0;
      case '==':
        // ==5.* allows 5.3; ==5.2.* does not.
        return wildcard ? compare(upperBound(bare.split('.').map(Number), bare.split('.').length - 1), limit) <= 0 : compare(bare, limit) < 0;
      case '~=': {
        // ~=5.2.1 is >=5.2.1,<5.3; ~=5.2 is >=5.2,<6.
        const numbers = bare.split('.').map(Number);
        return numbers.length > 1 && compare(upperBound(numbers, numbers.length - 2), limit) <= 0;
      }
      default:
        return false;
    }
  });
}
