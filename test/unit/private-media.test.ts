/**
 * Private uploads: where the project's own nginx serves MEDIA_URL only to X-Accel-Redirect
 * answers (`internal`), the stack's nginx does the same, and the health check expects a direct
 * request to be refused. An X-Accel-Redirect in the code alone is no evidence (Misago's optional
 * attachment server): its public media stay public.
 */
import { describe, expect, it } from 'vitest';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import { findAll, parseNginx } from '../../lib/validate/nginx-conf.js';
import * as fixtures from '../fixtures/projects.js';
import { nginxTest } from './nginx-t.js';
import { renderAll } from './helpers.js';

const mediaLocation = (conf: string) => findAll(parseNginx(conf), 'location').find((location) => location.args.join(' ') === '/uploads/')!;

describe('private uploads', () => {
  it("the project's nginx makes MEDIA_URL internal: detected with its line, and said", () => {
    const facts = detectProject(fixtures.writeProject(fixtures.privateUploads()));
    expect(facts.privateMedia).toEqual({ value: true, source: { file: 'deploy/nginx.conf', line: 6 } });
    expect(detectionReport(facts).join('\n')).toMatch(/private uploads +internal: nginx serves MEDIA_URL only to the app's X-Accel-Redirect answers +\[deploy\/nginx\.conf:6\]/);
  });

  it('the stack keeps it internal, and nginx accepts the file', async () => {
    const { output } = renderAll(fixtures.privateUploads(), { media: true });
    const conf = output.get('nginx/default.conf')!;
    expect(mediaLocation(conf).block!.map((directive) => directive.name)).toContain('internal');
    expect(conf).toContain('(deploy/nginx.conf:6)');
    expect((await nginxTest(conf, 'app')).status).toBe(0);
  });

  it('not without that evidence: an X-Accel-Redirect in the code, a location that is not internal, or one for another URL', () => {
    const inCodeOnly = fixtures.privateUploads();
    delete inCodeOnly['deploy/nginx.conf'];
    const publicLocation = fixtures.privateUploads();
    publicLocation['deploy/nginx.conf'] = publicLocation['deploy/nginx.conf']!.replace('        internal;\n', '');
    const otherUrl = fixtures.privateUploads();
    otherUrl['deploy/nginx.conf'] = otherUrl['deploy/nginx.conf']!.replace('/uploads/', '/protected/');
    for (const files of [inCodeOnly, publicLocation, otherUrl]) {
      expect(detectProject(fixtures.writeProject(files)).privateMedia).toBeUndefined();
      const conf = renderAll(files, { media: true }).output.get('nginx/default.conf')!;
      expect(mediaLocation(conf).block!.map((directive) => directive.name)).not.toContain('internal');
    }
  });
});
