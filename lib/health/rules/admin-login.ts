import { adminLoginRoundTrip } from '../admin-login.js';
import type { HealthRule } from '../rule.js';

/** Past nginx's proxy_read_timeout, nginx itself answers (504): waiting that long never hangs. */
const ANSWER_MARGIN_MS = 5_000;

/**
 * A login round trip through nginx with a temporary user (admin-login.ts). Its manage.py shell
 * starts Django, about a second, so it runs beside the others; printed last, since a broken app
 * fails it for reasons the rows above already name.
 */
export const adminLogin: HealthRule = {
  id: 'admin-login',
  alongside: true,
  check: async ({ config, stack, port, host }) =>
    config.loginCheck
      ? adminLoginRoundTrip(stack, port, host.Host, config.gunicorn.proxyTimeout * 1000 + ANSWER_MARGIN_MS)
      : { ok: true, skipped: true, detail: 'needs django.contrib.admin and django.contrib.auth in INSTALLED_APPS' },
};
