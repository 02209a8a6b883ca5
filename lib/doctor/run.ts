/**
 * doctor's core: inputs -> facts -> findings. No Yeoman and no terminal: the generator and
 * the tests call the same function.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readCompose } from './compose.js';
import { readDjango } from './django.js';
import { SEVERITIES, type Finding } from './finding.js';
import { fixDiff, settleFix } from './fix.js';
import { loadNginxDump, loadNginxPath, NginxInputError, type NginxConfig } from '../nginx/load.js';
import { NginxSyntaxError } from '../nginx/parse.js';
import { validateNginx } from '../nginx/validate.js';
import { doctorFacts, fileText, shown, type DoctorFacts } from './rule.js';
import { RULES } from './rules/index.js';
import { GENERATED_FILES } from '../config/names.js';

export interface DoctorInput {
  /** The project folder (Django settings, compose files); the working folder. */
  root: string;
  /** --nginx: a file or folder. */
  nginx?: string;
  /** --nginx-dump: the text of `nginx -T`. */
  nginxDump?: string;
  /** --compose: the compose file (else the production-looking one in root). */
  compose?: string;
}

/** Bad input: a missing file, an unparsable configuration. One line, exit status 2. */
export class DoctorInputError extends Error {
  override name = 'DoctorInputError';
}

const SYSTEM_NGINX = '/etc/nginx/nginx.conf';

/** --nginx, --nginx-dump, else the project's generated nginx/default.conf, else the system's; `overrides` stand in for files' texts (a fix checked before it is written). */
export function loadNginx(input: DoctorInput, overrides?: Map<string, string>): NginxConfig {
  try {
    if (input.nginxDump !== undefined) return loadNginxDump(input.nginxDump);
    if (input.nginx) return loadNginxPath(path.resolve(input.root, input.nginx), undefined, overrides);
    const own = path.join(input.root, GENERATED_FILES.nginxConf);
    if (fs.existsSync(own)) return loadNginxPath(own, undefined, overrides);
    if (fs.existsSync(SYSTEM_NGINX)) return loadNginxPath(SYSTEM_NGINX, undefined, overrides);
  } catch (error) {
    // Named as the user would: relative to the project folder, like the findings.
    if (error instanceof NginxSyntaxError || error instanceof NginxInputError) throw new DoctorInputError(error.message.replaceAll(`${input.root}${path.sep}`, ''));
    throw error;
  }
  throw new DoctorInputError(`no nginx configuration: no ${GENERATED_FILES.nginxConf} here and no ${SYSTEM_NGINX}; pass --nginx <file|folder> or --nginx-dump <file|->`);
}

export function gatherFacts(input: DoctorInput): DoctorFacts {
  const nginx = loadNginx(input);
  let compose;
  try {
    compose = readCompose(input.root, input.compose);
  } catch (error) {
    throw new DoctorInputError((error as Error).message);
  }
  return doctorFacts(nginx, input.root, readDjango(input.root, compose), compose);
}

/** What the reader itself reports: a configuration nginx would refuse to load. */
export const NGINX_REJECTS = {
  id: 'nginx-rejects',
  severity: 'high',
  title: 'nginx -t rejects this configuration',
  why: 'nginx refuses to start or reload with this configuration, so the server still runs the previous one (or none), whatever the rest of this file says.',
} as const;

/** Every rule's findings, most serious first, each with its fix as a diff. */
export function diagnose(facts: DoctorFacts): Finding[] {
  const rejected = validateNginx(facts.nginx.directives).map((problem): Finding => ({
    rule: NGINX_REJECTS.id,
    severity: NGINX_REJECTS.severity,
    file: shown(problem.file, facts.root),
    line: problem.line,
    message: problem.message,
    why: NGINX_REJECTS.why,
  }));
  const findings = rejected.concat(
    RULES.flatMap((rule) =>
      rule.check(facts).map((hit): Finding => {
        const textOf = (file: string) => fileText(facts, file);
        const fixes = hit.fix && settleFix(hit.fix, textOf, facts.root);
        return {
          rule: rule.id,
          severity: hit.severity ?? rule.severity,
          file: shown(hit.file, facts.root),
          line: hit.line,
          message: hit.message,
          why: rule.why,
          diff: fixes && fixDiff(fixes, textOf, facts.root),
          fix: fixes?.[0],
          ...(fixes && fixes.length > 1 ? { fixes } : {}),
        };
      }),
    ),
  );
  return findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}
