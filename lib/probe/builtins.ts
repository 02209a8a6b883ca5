/**
 * node:http and node:https for the probes, loaded when a request is first made. A static import
 * of node:http makes Node list all its exports up front, which loads Node's fetch implementation
 * (undici: about 45 ms of CPU) into every run of the CLI, including those that never probe
 * (`--skip-health-check`, `--dry-run`).
 */
import type * as Http from 'node:http';
import type * as Https from 'node:https';

export const http = (): typeof Http => process.getBuiltinModule('node:http');
export const https = (): typeof Https => process.getBuiltinModule('node:https');
