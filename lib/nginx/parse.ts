/**
 * nginx's configuration grammar, as its own reader (ngx_conf_read_token in ngx_conf_file.c)
 * applies it: words split by blanks; `;` ends a directive, `{` opens its block, `}` closes one;
 * quotes ("" or '') only at the start of a word, and a closing quote must be followed by a
 * blank, `;` or `{`; a backslash makes the next character plain; `#` starts a comment only
 * at the start of a word; `${` keeps its brace inside the word. `*_by_lua_block` bodies are
 * Lua, not configuration: skipped, with Lua's strings and comments taken into account.
 * Every directive keeps its file and line (and a block its closing line), for findings.
 */

export interface Directive {
  name: string;
  args: string[];
  file: string;
  line: number;
  block?: Directive[];
  /** The line of the block's closing `}`. */
  endLine?: number;
  /** For a directive at the top of an included file: the `include` that brought it in (load.ts). */
  includedFrom?: Directive;
}

export class NginxSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'NginxSyntaxError';
  }
}

interface Token {
  value: string;
  line: number;
  /** `;`, `{` or `}` as syntax, not as a quoted or escaped word. */
  punct?: ';' | '{' | '}';
}

const isBlank = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** Undoes the escapes nginx undoes in a word: \" \' \\ \t \r \n; any other backslash stays. */
function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw; // most words: no copy built character by character
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    const next = raw[i + 1];
    if (ch === '\\' && next !== undefined && '"\'\\trn'.includes(next)) {
      out += next === 't' ? '\t' : next === 'r' ? '\r' : next === 'n' ? '\n' : next;
      i++;
    } else out += ch;
  }
  return out;
}

class Tokenizer {
  pos = 0;
  line = 1;
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  fail(reason: string, line = this.line): never {
    throw new NginxSyntaxError(this.file, line, reason);
  }

  next(): Token | undefined {
    const { text } = this;
    // Blanks and comments between words.
    while (this.pos < text.length) {
      const ch = text[this.pos]!;
      if (ch === '\n') this.line++;
      if (isBlank(ch)) this.pos++;
      else if (ch === '#') while (this.pos < text.length && text[this.pos] !== '\n') this.pos++;
      else break;
    }
    if (this.pos >= text.length) return undefined;
    const start = this.line;
    const ch = text[this.pos]!;
    if (ch === ';' || ch === '{' || ch === '}') {
      this.pos++;
      return { value: ch, line: start, punct: ch };
    }
    if (ch === '"' || ch === "'") return this.quoted(ch, start);
    return this.word(start);
  }

  private quoted(quote: string, start: number): Token {
    const { text } = this;
    let i = ++this.pos;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') i++;
      if (text[i] === '\n') this.line++;
      i++;
    }
    if (i >= text.length) this.fail('unexpected end of file, expecting ; or }', start);
    const value = unescape(text.slice(this.pos, i));
    this.pos = i + 1;
    const after = text[this.pos];
    // nginx allows a `)` right after a quote: `if ($x = '')`.
    if (after !== undefined && !isBlank(after) && after !== ';' && after !== '{' && after !== ')') this.fail(`unexpected "${after}"`);
    return { value, line: start };
  }

  private word(start: number): Token {
    const { text } = this;
    let i = this.pos;
    let variable = false;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '{' && variable) {
        i++;
        continue;
      }
      variable = false;
      if (ch === '\\') {
        if (text[i + 1] === '\n') this.line++;
        i += 2;
        continue;
      }
      if (ch === '$') variable = true;
      else if (isBlank(ch) || ch === ';' || ch === '{') break;
      i++;
    }
    const value = unescape(text.slice(this.pos, Math.min(i, text.length)));
    this.pos = Math.min(i, text.length);
    return { value, line: start };
  }

  /** Skips a Lua body after its `{`, up to the matching `}`; returns the closing line. */
  skipLua(): number {
    const { text } = this;
    let depth = 1;
    while (this.pos < text.length) {
      const ch = text[this.pos]!;
      const long = this.longBracket(this.pos);
      if (ch === '\n') this.line++;
      if (ch === '-' && text[this.pos + 1] === '-') {
        const comment = this.longBracket(this.pos + 2);
        if (comment !== undefined) this.skipLong(this.pos + 2, comment);
        else while (this.pos < text.length && text[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (long !== undefined) {
        this.skipLong(this.pos, long);
        continue;
      }
      if (ch === '"' || ch === "'") {
        this.pos++;
        while (this.pos < text.length && text[this.pos] !== ch) {
          if (text[this.pos] === '\\') this.pos++;
          if (text[this.pos] === '\n') this.line++;
          this.pos++;
        }
      } else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        this.pos++;
        return this.line;
      }
      this.pos++;
    }
    return this.fail('unexpected end of file in a Lua block, expecting }');
  }

  /** The level of a Lua long bracket `[==[` starting at `at`, if one does. */
  private longBracket(at: number): number | undefined {
    if (this.text[at] !== '[') return undefined;
    let level = 0;
    while (this.text[at + 1 + level] === '=') level++;
    return this.text[at + 1 + level] === '[' ? level : undefined;
  }

  private skipLong(at: number, level: number): void {
    const close = `]${'='.repeat(level)}]`;
    const end = this.text.indexOf(close, at);
    if (end < 0) this.fail('unexpected end of file in a Lua block');
    for (let i = at; i < end; i++) if (this.text[i] === '\n') this.line++;
    this.pos = end + close.length;
  }
}

/** Parses one file's text; `include` is left as a directive (see load.ts). */
export function parseNginx(text: string, file = 'nginx.conf'): Directive[] {
  const tokens: Tokenizer = new Tokenizer(text, file); // typed, so its `never` fail() narrows
  // One string per distinct short word: a configuration repeats its names and values
  // (proxy_set_header, $host) thousands of times, and each slice of the text is its own string.
  const words = new Map<string, string>();
  const word = (value: string) => {
    if (value.length > 40) return value;
    const known = words.get(value);
    if (known !== undefined) return known;
    words.set(value, value);
    return value;
  };
  // The same for whole argument lists (`Host $http_host`, `/`): one shared array each. Read, never changed.
  const argLists = new Map<string, string[]>();
  const argsOf = (tokens: Token[]) => {
    const values = tokens.map((token) => word(token.value));
    const key = values.join('\u0000');
    if (key.length > 80) return values;
    const known = argLists.get(key);
    if (known !== undefined) return known;
    argLists.set(key, values);
    return values;
  };
  const parseBlock = (opened?: Token): { directives: Directive[]; endLine?: number } => {
    const directives: Directive[] = [];
    let current: { words: Token[] } = { words: [] };
    for (let token = tokens.next(); token; token = tokens.next()) {
      if (!token.punct) {
        current.words.push(token);
        continue;
      }
      const [head, ...rest] = current.words;
      if (token.punct === '}') {
        if (head) tokens.fail('unexpected "}"', token.line);
        if (!opened) tokens.fail('unexpected "}"', token.line);
        return { directives: directives.slice(), endLine: token.line }; // exact size: push leaves spare room in each of thousands of blocks
      }
      if (!head) tokens.fail(`unexpected "${token.punct}"`, token.line);
      const directive: Directive = { name: word(head.value), args: argsOf(rest), file, line: head.line };
      if (token.punct === '{') {
        if (head.value.endsWith('_by_lua_block')) {
          directive.block = [];
          directive.endLine = tokens.skipLua();
        } else {
          const inner = parseBlock(token);
          directive.block = inner.directives;
          directive.endLine = inner.endLine;
        }
      }
      directives.push(directive);
      current = { words: [] };
    }
    if (current.words.length > 0) tokens.fail('unexpected end of file, expecting ";" or "}"');
    if (opened) tokens.fail('unexpected end of file, expecting "}"');
    return { directives };
  };
  return parseBlock().directives;
}

/** Every directive named `name`, at any depth. */
export function findAll(directives: Directive[], name: string): Directive[] {
  return directives.flatMap((d) => [...(d.name === name ? [d] : []), ...(d.block ? findAll(d.block, name) : [])]);
}
