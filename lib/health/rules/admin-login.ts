import { adminLoginRoundTrip } from '../admin-login.js';
import type { HealthRule } from '../rule.js';

/**
 * A login round trip through nginx with a temporary user (admin-login.ts). Its manage.py shell
 * starts Django, about a second, so it runs beside the others; printed last, since a broken app
 * fails it for reasons the rows above already name.
 */
export const adminLogin: HealthRule = {
  id: 'admin-login',
  alongside: true,
  check: async ({ config, stack, port, host }) =>
    config.loginCheck ? adminLoginRoundTrip(stack, port, host.Host) : { ok: true, skipped: true, detail: 'needs django.contrib.admin and django.contrib.auth in INSTALLED_APPS' },
};
