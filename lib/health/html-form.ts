/**
 * Reads the <input> (or <link>, <script>) elements of a page the way a browser's tokenizer reads a start tag's
 * attributes (HTML Living Standard 13.2.5.32-40): names up to whitespace, "/", ">" or "=";
 * values double-quoted, single-quoted or unquoted. Enough for what the login round trip
 * submits (Django's csrfmiddlewaretoken); the package has no HTML parser dependency.
 */

export type Attributes = Map<string, string>;

const WHITESPACE = new Set([' ', '\t', '\n', '\f', '\r']);
const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', '#x27': "'", '#39': "'", '#34': '"' };

/** The attributes of every <input> element, in document order. */
export const inputElements = (html: string): Attributes[] => elementsNamed(html, 'input');

/** The attributes of every element with this tag name (lowercase: input, link, script), in document order. */
export function elementsNamed(html: string, tag: string): Attributes[] {
  const found: Attributes[] = [];
  const lower = html.toLowerCase();
  const open = `<${tag}`;
  let at = lower.indexOf(open);
  while (at !== -1) {
    const after = html[at + open.length];
    if (after !== undefined && (WHITESPACE.has(after) || after === '>' || after === '/')) {
      const { attributes, end } = readAttributes(html, at + open.length);
      found.push(attributes);
      at = lower.indexOf(open, end);
    } else {
      at = lower.indexOf(open, at + 1);
    }
  }
  return found;
}

/** The value of the first <input> with this name (what a form submits for it). */
export function inputValue(html: string, name: string): string | undefined {
  return inputElements(html)
    .find((attributes) => attributes.get('name') === name)
    ?.get('value');
}

function readAttributes(html: string, start: number): { attributes: Attributes; end: number } {
  const attributes: Attributes = new Map();
  let i = start;
  const skipSpace = () => {
    while (i < html.length && WHITESPACE.has(html[i]!)) i++;
  };
  while (i < html.length) {
    skipSpace();
    if (html[i] === '>') return { attributes, end: i + 1 };
    if (html[i] === '/') {
      i++;
      continue;
    }
    let name = '';
    while (i < html.length && !WHITESPACE.has(html[i]!) && !'/>='.includes(html[i]!)) name += html[i++];
    skipSpace();
    let value = '';
    if (html[i] === '=') {
      i++;
      skipSpace();
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        const stop = close === -1 ? html.length : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        while (i < html.length && !WHITESPACE.has(html[i]!) && html[i] !== '>') value += html[i++];
      }
    }
    // The first occurrence of an attribute wins, as in the tokenizer.
    if (name && !attributes.has(name.toLowerCase())) attributes.set(name.toLowerCase(), decodeEntities(value));
  }
  return { attributes, end: i };
}

function decodeEntities(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const semicolon = value[i] === '&' ? value.indexOf(';', i) : -1;
    const entity = semicolon > i ? value.slice(i + 1, semicolon).toLowerCase() : undefined;
    if (entity !== undefined && entity in ENTITIES) {
      out += ENTITIES[entity];
      i = semicolon + 1;
    } else {
      out += value[i++];
    }
  }
  return out;
}
