import { describe, expect, it } from 'vitest';
import { runChecks } from '../../lib/health/checks.js';
import type { HealthRule } from '../../lib/health/rule.js';
import { HEALTH_RULES } from '../../lib/health/rules/index.js';
import { CHECK_NAMES } from '../../lib/health/check-result.js';
import type { StackRuntime } from '../../lib/health/runtime.js';
import type { StackConfig } from '../../lib/config/stack-config.js';

const config = { http: { port: 8080, probeHost: 'localhost' } } as unknown as StackConfig;
const stack = {} as StackRuntime;

describe('the health rules table', () => {
  it('holds every check id once', () => {
    const ids = HEALTH_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(CHECK_NAMES).sort());
  });

  it('runs gates first, starts the alongside rules after them, prints in table order, and skips what a rule needs', async () => {
    const events: string[] = [];
    const rule = (id: HealthRule['id'], extra: Partial<HealthRule> = {}): HealthRule => ({
      id,
      async check() {
        events.push(`start ${id}`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`end ${id}`);
        return { ok: true, detail: id };
      },
      ...extra,
    });
    const rules = [rule('tls-certificate', { gate: true }), rule('app-through-nginx'), rule('media-file', { needs: () => false }), rule('admin-login', { alongside: true })];
    const results = await runChecks(config, stack, undefined, rules);
    expect(results.map((result) => result.id)).toEqual(['tls-certificate', 'app-through-nginx', 'admin-login']);
    expect(events.slice(0, 3)).toEqual(['start tls-certificate', 'end tls-certificate', 'start admin-login']);
    expect(events).toContain('start app-through-nginx');
  });

  it('gives a rule the result of another, and turns a throw into a failed row', async () => {
    const rules: HealthRule[] = [
      { id: 'admin-login', check: async () => ({ ok: true, detail: 'in', cookiesWithoutSecure: ['sessionid'] }) },
      { id: 'secure-cookies', check: async ({ result }) => ({ ok: false, detail: (await result('admin-login')).cookiesWithoutSecure!.join() }) },
      {
        id: 'hsts',
        check: async () => {
          throw new Error('connection refused');
        },
      },
    ];
    const results = await runChecks(config, stack, undefined, rules);
    expect(results.map(({ id, ok, detail }) => ({ id, ok, detail }))).toEqual([
      { id: 'admin-login', ok: true, detail: 'in' },
      { id: 'secure-cookies', ok: false, detail: 'sessionid' },
      { id: 'hsts', ok: false, detail: 'connection refused' },
    ]);
  });
});
