/**
 * Runs the health rules (rules/index.ts) against a started stack: the app through nginx,
 * static files from nginx (not gunicorn), media, the safety probes and the admin login round
 * trip; with TLS on, these go over HTTPS and the TLS rules run too. Each yields a pass/fail row
 * (or a skipped one, with the reason); a rule that throws is a failed row with the error.
 */
import type { StackConfig } from '../config/stack-config.js';
import { SERVICES } from '../config/names.js';
import type { StackRuntime } from './runtime.js';
import type { CheckContext, HealthRule } from './rule.js';
import { HEALTH_RULES } from './rules/index.js';
import { hostFor, httpsEndpoint, type TlsTarget } from './tls-checks.js';

export { CHECK_NAMES, type CheckId, type CheckResult } from './check-result.js';
import { CHECK_NAMES, type CheckId, type CheckResult } from './check-result.js';

/** With tls, the probes go over HTTPS to the first server name, and the TLS rules run too. */
export async function runChecks(config: StackConfig, stack: StackRuntime, tls?: TlsTarget, rules: readonly HealthRule[] = HEALTH_RULES): Promise<CheckResult[]> {
  const running = new Map<CheckId, Promise<CheckResult>>();
  let manifest: Promise<string | undefined> | undefined;
  const context: CheckContext = {
    config,
    stack,
    tls,
    port: tls ? httpsEndpoint(tls) : config.http.port,
    host: { Host: tls ? hostFor(tls.serverNames[0]!, tls.httpsPort, 443) : portHost(config) },
    staticPath: () => (manifest ??= staticPath(config, stack)),
    result: (id) => run(applying.find((rule) => rule.id === id) ?? missing(id)),
  };
  const run = (rule: HealthRule): Promise<CheckResult> => {
    let result = running.get(rule.id);
    if (!result) running.set(rule.id, (result = verdictOf(rule, context)));
    return result;
  };
  const applying = rules.filter((rule) => !rule.needs || rule.needs(context));
  const results: CheckResult[] = [];
  for (const rule of applying.filter((rule) => rule.gate)) results.push(await run(rule));
  for (const rule of applying.filter((rule) => rule.alongside)) void run(rule);
  for (const rule of applying.filter((rule) => !rule.gate)) results.push(await run(rule));
  return results;
}

async function verdictOf(rule: HealthRule, context: CheckContext): Promise<CheckResult> {
  const { id } = rule;
  const name = CHECK_NAMES[id];
  try {
    return { id, name, ...(await rule.check(context)) };
  } catch (error) {
    return { id, name, ok: false, detail: (error as Error).message };
  }
}

const missing = (id: CheckId): HealthRule => ({ id, check: async () => ({ ok: false, detail: `${id} did not run on this stack` }) });

/** The Host header a browser would send: the name plus the port unless it is 80. */
export function portHost(config: StackConfig): string {
  return config.http.port === 80 ? config.http.probeHost : `${config.http.probeHost}:${config.http.port}`;
}

/** The collected file to probe: the one the config names, else the first CSS or JS file of staticfiles.json. */
async function staticPath(config: StackConfig, stack: StackRuntime): Promise<string | undefined> {
  const manifest = await readManifest(config, stack);
  const logical = config.probeStaticFile ?? Object.keys(manifest).find((name) => /\.(css|js)$/.test(name));
  return logical ? config.static.url + (manifest[logical] ?? logical) : undefined;
}

/** staticfiles.json's logical -> hashed names, read through the app (from the static volume, or in Swarm from its image). */
async function readManifest(config: StackConfig, stack: StackRuntime): Promise<Record<string, string>> {
  const result = await stack.exec(SERVICES.app, ['cat', `${config.static.appDir}/staticfiles.json`]);
  try {
    const start = result.output.indexOf('{');
    return (JSON.parse(result.output.slice(start)) as { paths?: Record<string, string> }).paths ?? {};
  } catch {
    return {};
  }
}
