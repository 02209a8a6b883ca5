import { effectiveAll, own } from '../nginx/model.js';
import { insertBefore, type Rule } from '../rule.js';

/** nginx inherits add_header only into blocks that set none of their own. */
export const addHeaderDropped: Rule = {
  id: 'add-header-dropped',
  severity: 'medium',
  title: 'add_header in a location drops the server-level headers',
  why: 'A block with its own add_header inherits none from the blocks around it, so headers set for the whole server (security headers, HSTS) silently vanish there.',
  check(facts) {
    return facts.servers.flatMap((server) =>
      server.locations.flatMap((location) => {
        const mine = own(location.directive, 'add_header');
        if (mine.length === 0 || own(location.directive, 'add_header_inherit').some((d) => d.args[0] === 'merge')) return [];
        const outer = [...location.chain.slice(0, -1)].reverse().map((level) => own(level, 'add_header')).find((set) => set.length > 0) ?? effectiveAll([], 'add_header', facts.nginx.directives);
        const names = new Set(mine.map((d) => (d.args[0] ?? '').toLowerCase()));
        const lost = outer.filter((d) => !names.has((d.args[0] ?? '').toLowerCase()));
        if (lost.length === 0) return [];
        return [
          {
            file: mine[0]!.file,
            line: mine[0]!.line,
            message: `"location ${location.uri}" sets its own add_header, so ${lost.map((d) => d.args[0]).join(', ')} (line ${lost[0]!.line}) ${lost.length === 1 ? 'is' : 'are'} not sent there`,
            fix: { file: mine[0]!.file, edits: [insertBefore(facts, mine[0]!, lost.map((d) => `add_header ${d.args.map(quoted).join(' ')};`))] },
          },
        ];
      }),
    );
  },
};

/** An argument written back into nginx syntax. */
const quoted = (arg: string) => (arg === '' || /[\s;{}"'#]/.test(arg) ? `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : arg);
