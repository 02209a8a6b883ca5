/**
 * What the run says when production settings serve static files from object storage or a CDN
 * (django-storages' S3, Google Cloud or Azure backends, or an absolute STATIC_URL).
 */
import { where } from '../detect/found.js';
import type { ProjectFacts } from '../detect/project.js';

function found(facts: ProjectFacts): string {
  const remote = facts.remoteStatic!;
  const parts = [
    remote.backend ? `the storage ${remote.backend.value} (${where(remote.backend)})` : undefined,
    remote.url ? `STATIC_URL ${remote.url.value} (${where(remote.url)})` : undefined,
  ].filter(Boolean);
  return parts.join(' and ');
}

/** Said when the stack serves them from its volume anyway. */
export function remoteStaticNotice(facts: ProjectFacts, staticUrl: string): string {
  return (
    `static files: your production settings serve them from elsewhere: ${found(facts)}. ` +
    `This stack serves them from its own volume under ${staticUrl} instead: collectstatic writes there, and the overlay ` +
    `switches the static storage to ManifestStaticFilesStorage (nothing is uploaded). Pass --remote-static stop to keep your setup and generate nothing.`
  );
}

/** The reason given when the user chose to stop. */
export function remoteStaticStop(facts: ProjectFacts): string {
  return (
    `stopped, nothing written (--remote-static stop): your production settings serve static files from ${found(facts)}, ` +
    `so this stack's nginx would not serve them. Keep that setup (collectstatic uploads at deploy time), or re-run with --remote-static volume to serve them from the stack.`
  );
}
