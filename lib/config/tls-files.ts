/**
 * The certificate files an answer names, read before anything is written: --tls files' certificate
 * and key (they match, cover every server name, and are in date), and --acme-ca (a certificate).
 * Read with node:crypto, so nothing depends on an openssl binary.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Answers } from './questions.js';

export interface TlsFileReport {
  /** One line each, naming the option: the run stops and nothing is written. */
  problems: string[];
  /** What the user should know (days left, expiry soon). */
  notes: string[];
}

/** Fewer days left than this is worth a warning: a renewal is due (Let's Encrypt renews at 30). */
const SOON_DAYS = 30;
const DAY_MS = 86_400_000;
/** A label no certificate lists by name: only a wildcard covers it. */
const ANY_SUBDOMAIN = 'any-subdomain-check';

export function checkTlsFiles(root: string, answers: Answers, now = new Date()): TlsFileReport {
  const report: TlsFileReport = { problems: [], notes: [] };
  if (answers.tls === 'acme' && answers.acmeCa) {
    const ca = readCertificate(root, answers.acmeCa, '--acme-ca', report);
    if (ca && !ca.ca) report.notes.push(`--acme-ca ${answers.acmeCa} is not a CA certificate (${ca.subject.replaceAll('\n', ', ')}); the ACME client trusts it all the same`);
  }
  if (answers.tls !== 'files') return report;
  const cert = readCertificate(root, answers.tlsCert!, '--tls-cert', report);
  const key = readKey(root, answers.tlsKey!, report);
  if (!cert || !key) return report;

  if (!cert.checkPrivateKey(key)) report.problems.push(`--tls-key: ${answers.tlsKey} does not match the certificate in ${answers.tlsCert}`);
  for (const name of answers.serverNames) {
    const bare = name.replace(/^\./, '');
    const needed = name.startsWith('.') ? [bare, `${ANY_SUBDOMAIN}.${bare}`] : [bare];
    for (const host of needed) {
      if (!cert.checkHost(host)) {
        const shown = host === bare ? `"${bare}"` : `the subdomains of "${bare}" (server name "${name}")`;
        report.problems.push(`--tls-cert: ${answers.tlsCert} does not cover ${shown}; it is for ${names(cert)}`);
        break;
      }
    }
  }
  const validFrom = new Date(cert.validFrom);
  const validTo = new Date(cert.validTo);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  if (validFrom > now) report.problems.push(`--tls-cert: ${answers.tlsCert} is not valid before ${validFrom.toISOString()}`);
  else if (validTo <= now) report.problems.push(`--tls-cert: ${answers.tlsCert} expired on ${validTo.toISOString()}`);
  else if (daysLeft < SOON_DAYS) report.notes.push(`warning: ${answers.tlsCert} expires in ${daysLeft} days (${validTo.toISOString()}): renew it soon, then re-run`);
  else report.notes.push(`${answers.tlsCert}: certificate for ${names(cert)}, ${daysLeft} days left`);
  return report;
}

function readCertificate(root: string, file: string, option: string, report: TlsFileReport): X509Certificate | undefined {
  const pem = readFile(root, file, option, report);
  if (pem === undefined) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    report.problems.push(`${option}: ${file} holds no PEM certificate`);
    return undefined;
  }
}

function readKey(root: string, file: string, report: TlsFileReport): KeyObject | undefined {
  const pem = readFile(root, file, '--tls-key', report);
  if (pem === undefined) return undefined;
  try {
    return createPrivateKey(pem);
  } catch (error) {
    const encrypted = (error as { code?: string }).code === 'ERR_MISSING_PASSPHRASE';
    report.problems.push(`--tls-key: ${file} ${encrypted ? 'is encrypted with a passphrase, which nginx cannot ask for' : 'holds no PEM private key'}`);
    return undefined;
  }
}

function readFile(root: string, file: string, option: string, report: TlsFileReport): Buffer | undefined {
  try {
    return fs.readFileSync(path.resolve(root, file));
  } catch {
    report.problems.push(`${option}: ${file} cannot be read (it must exist, relative to the project or absolute)`);
    return undefined;
  }
}

/** The certificate's names as node reports them ("DNS:example.com, DNS:www.example.com"), or its subject. */
function names(cert: X509Certificate): string {
  return cert.subjectAltName ?? cert.subject.replaceAll('\n', ', ');
}
