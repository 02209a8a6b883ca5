/**
 * The regeneration report for least privilege: which hardening settings the new compose.yaml
 * adds to each service the one on disk already has, so a user upgrading sees each one named.
 */
import { parse } from 'yaml';

type Services = Record<string, Record<string, unknown> | null>;

const show = (value: unknown) => (Array.isArray(value) ? value.join(' ') : String(value));

/** "app: read_only true, cap_drop ALL, mem_limit 608m" per service that gains settings; [] for a new file. */
export function hardeningAdded(onDisk: string | undefined, ours: { services: Services }, keys: readonly string[]): string[] {
  if (onDisk === undefined) return [];
  let theirs: Services;
  try {
    theirs = (parse(onDisk) as { services?: Services } | null)?.services ?? {};
  } catch {
    return []; // an unreadable file gets the usual conflict handling; nothing to compare here
  }
  const lines: string[] = [];
  for (const [name, service] of Object.entries(ours.services)) {
    const before = theirs[name];
    if (!before || !service) continue; // a new service is new as a whole
    const added = keys.filter((key) => key in service && !(key in before)).map((key) => `${key} ${show(service[key])}`);
    if (added.length) lines.push(`${name}: ${added.join(', ')}`);
  }
  return lines;
}
