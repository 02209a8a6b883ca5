import { NO_NEW_PRIVILEGES, setsNoNewPrivileges } from '../../config/privileges.js';
import type { Service } from '../compose.js';
import type { Hit } from '../finding.js';
import { fileText, type Rule } from '../rule.js';

/**
 * The container settings the generated stack sets on every service (README: "Least privilege"),
 * looked for in the user's own compose file. Sections are those of the CIS Docker Benchmark
 * v1.2.0, the numbering docker-bench-security reports (v1.6.0 moved each one up by one).
 */
const SETTINGS: { cis: string; name: string; present: (s: Service) => boolean; line: string }[] = [
  { cis: '5.12', name: 'read_only: true', present: (s) => s.hardening.readOnly, line: 'read_only: true  # then a tmpfs for each path it must write' },
  { cis: '5.3', name: 'cap_drop: [ALL]', present: (s) => s.hardening.capDrop.includes('ALL'), line: 'cap_drop: [ALL]  # then cap_add only what it is shown to need' },
  { cis: '5.25', name: 'no-new-privileges', present: (s) => setsNoNewPrivileges(s.hardening.securityOpt), line: `security_opt: ["${NO_NEW_PRIVILEGES}"]` },
  { cis: '5.10', name: 'a memory limit', present: (s) => s.hardening.memoryLimit, line: 'mem_limit: 512m' },
  { cis: '5.28', name: 'a PIDs limit', present: (s) => s.hardening.pidsLimit, line: 'pids_limit: 256' },
];

export const composeLeastPrivilege: Rule = {
  id: 'compose-least-privilege',
  severity: 'low',
  category: 'hardening',
  title: 'container without least-privilege settings',
  why: 'Code execution in a container (a vulnerable dependency, a deserialisation bug) can then rewrite its code, use every default capability, gain privileges through setuid binaries, and exhaust the host memory or process table.',
  check(facts) {
    const compose = facts.compose;
    if (!compose) return [];
    const lines = fileText(facts, compose.file)?.split('\n') ?? [];
    return compose.services.flatMap((service): Hit[] => {
      const missing = SETTINGS.filter((setting) => !setting.present(service));
      if (missing.length === 0) return [];
      // The fix goes first in the service, indented like its first key.
      const first = lines[service.line] ?? '';
      const indent = first.slice(0, first.length - first.trimStart().length);
      const fix = indent ? { file: compose.file, edits: [{ line: service.line + 1, remove: 0, insert: missing.map((setting) => indent + setting.line) }] } : undefined;
      return [
        {
          file: compose.file,
          line: service.line,
          message: `the ${service.name} service has no ${missing.map((setting) => `${setting.name} (CIS ${setting.cis})`).join(', ')}`,
          fix,
        },
      ];
    });
  },
};
