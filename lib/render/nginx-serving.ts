/**
 * What the TLS mode decides in nginx's configuration, decided here once: the nginx templates
 * print these parts and never ask which mode is on. Also the program nginx proxies to, for its comments.
 */
import type { StackConfig } from '../config/stack-config.js';
import { serverProgram } from '../model/features/app-server.js';

/** With TLS: the servers and directives HTTPS adds. */
export interface NginxHttps {
  /** acme: a variable naming the certificate file, so nginx reads the file on every handshake. */
  pemMap?: { variable: string; file: string };
  /** The main server's certificate and key: the variable of pemMap, or the mounted files. */
  certificate: string;
  certificateKey: string;
  /** What the port-80 server does besides redirecting, for its comment. */
  redirectAlso: string;
  /** acme: the webroot the http-01 challenge files are served from. */
  challengeWebroot?: string;
  /** Where port 80 redirects to, keeping the path and query. */
  redirectTo: string;
}

export interface NginxServing {
  /** Absent without TLS: the main server then listens on 80 and holds the health location. */
  https?: NginxHttps;
  /** The HSTS header line, '' when off: every location that adds a header repeats it. */
  hsts: string;
  /** The scheme nginx tells the app, never the client's say. */
  forwardedProto: string;
  /** What serves the app behind nginx (gunicorn, daphne), as the comments name it. */
  appProgram: string;
}

/** acme's certificate variable: key and chain in one file. */
const PEM_VARIABLE = '$tls_pem';

export function nginxServing(config: StackConfig): NginxServing {
  const appProgram = serverProgram(config);
  const tls = config.tls;
  if (tls.mode === 'off') return { hsts: '', forwardedProto: '$scheme', appProgram };
  const hsts = tls.hsts ? `add_header Strict-Transport-Security "max-age=${tls.hsts.maxAge}" always;` : '';
  const redirectTo = `https://$host${tls.httpsPort === 443 ? '' : `:${tls.httpsPort}`}$request_uri`;
  const https: NginxHttps =
    tls.mode === 'acme'
      ? {
          pemMap: { variable: PEM_VARIABLE, file: tls.nginxPem },
          certificate: PEM_VARIABLE,
          certificateKey: PEM_VARIABLE,
          redirectAlso: ', and answers the ACME http-01 challenge',
          challengeWebroot: tls.webroot,
          redirectTo,
        }
      : { certificate: tls.nginxCert, certificateKey: tls.nginxKey, redirectAlso: '', redirectTo };
  return { https, hsts, forwardedProto: 'https', appProgram };
}
