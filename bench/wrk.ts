/** Parses wrk's report (run with --latency). */

export interface WrkResult {
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

const MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s|m)/.exec(text ?? '');
  if (!match) return Number.NaN;
  return Number(match[1]) * MS[match[2]!]!;
}

export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!rps) throw new Error(`wrk printed no result:\n${output.slice(-800)}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(rps[1]),
    p50ms: duration(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99ms: duration(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    requests: Number(/(\d+) requests in/.exec(output)?.[1] ?? 0),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    errors: errors
      ? errors
          .slice(1)
          .map(Number)
          .reduce((a, b) => a + b, 0)
      : 0,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
