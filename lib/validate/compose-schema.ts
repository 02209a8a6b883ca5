/** Checks a compose object against the vendored, pinned compose-spec JSON schema. */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { packageRoot } from '../package-root.js';

export const COMPOSE_SCHEMA_PATH = path.join(packageRoot(), 'vendor', 'compose-spec', 'compose-spec.json');

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(fs.readFileSync(COMPOSE_SCHEMA_PATH, 'utf8'));
    // The spec's schema uses draft-07 with formats and keywords ajv's strict mode rejects.
    compiled = new Ajv({ validateSchema: false, strict: false, allErrors: true }).compile(schema);
  }
  return compiled;
}

/** One line per schema violation, e.g. "/services/app/ports/0: must be ...". */
export function composeSchemaErrors(compose: unknown): string[] {
  const validate = validator();
  if (validate(compose)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath || '/';
    const extra = error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : '';
    return `${where}: ${error.message ?? 'invalid'}${extra}`;
  });
}
