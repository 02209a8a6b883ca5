/** What a run says about HTTPS before writing: the choice made under --yes, and the ACME caveats. */
import { hasPublicName } from '../../config/questions.js';
import { LETS_ENCRYPT, type StackConfig } from '../../config/stack-config.js';

export function tlsNotices(config: StackConfig, { told }: { told: boolean }): string[] {
  const tls = config.tls;
  if (tls.mode === 'off') {
    // The question was not asked (--yes): say what was chosen, and how to choose otherwise.
    return told && hasPublicName(config.http.serverNames)
      ? [`--tls off: ${config.http.serverNames.join(', ')} gets plain HTTP. For HTTPS, re-run with --tls acme --acme-email you@example.com (Let's Encrypt) or --tls files --tls-cert … --tls-key …`]
      : [];
  }
  if (tls.mode === 'files') return [];
  const notes: string[] = [];
  if (tls.server === LETS_ENCRYPT.production) {
    notes.push(
      "--tls acme: Let's Encrypt's production CA has rate limits (5 failed validations per name per hour, 5 identical certificates a week); try --acme-staging first if DNS or port 80 are not proven yet",
    );
  }
  if (tls.staging) notes.push("--acme-staging: browsers do not trust the staging CA's certificates; re-run without it for a real one");
  if (config.http.port !== 80) {
    notes.push(`--tls acme: the CA checks http://<name>/.well-known/acme-challenge/ on port 80, and this stack's HTTP port is ${config.http.port}; forward port 80 to it (or use --port 80)`);
  }
  if (config.http.bind.startsWith('127.')) notes.push(`--tls acme: the ports are bound to ${config.http.bind}, which the CA cannot reach; use --bind 0.0.0.0 on the server`);
  return notes;
}
