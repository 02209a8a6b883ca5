/**
 * Checks a compose object against the vendored, pinned compose-spec JSON schema.
 *
 * Compiling that schema with ajv takes about half a second, so the build compiles it once
 * (scripts/build-schema-validator.mjs writes ajv's standalone code beside this module in
 * dist/) and a run only loads the result. From sources (vitest), where no build output sits
 * beside this file, the schema is compiled at run time with the same options.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, Options, ValidateFunction } from 'ajv';
import { packageRoot } from '../package-root.js';

export const COMPOSE_SCHEMA_PATH = path.join(packageRoot(), 'vendor', 'compose-spec', 'compose-spec.json');

/** The build's output, beside the compiled form of this module. */
export const PRECOMPILED_VALIDATOR_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'compose-schema-validator.cjs');

// ajv is CommonJS: loaded with require, and only when the schema is compiled here.
const require = createRequire(import.meta.url);

// The spec's schema uses draft-07 with formats and keywords ajv's strict mode rejects.
const AJV_OPTIONS: Options = { validateSchema: false, strict: false, allErrors: true };

const schemaText = () => fs.readFileSync(COMPOSE_SCHEMA_PATH, 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Compiles the vendored schema now (what the build does once, and what runs from sources). */
export function compileComposeValidator(extra: Options = {}): { ajv: Ajv; validate: ValidateFunction } {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  return { ajv, validate: ajv.compile(JSON.parse(schemaText())) };
}

/**
 * The CommonJS module the build writes: ajv's standalone validator, plus the sha256 of the
 * schema it was compiled from, so a validator older than the vendored schema is not used.
 */
export function precompiledValidatorSource(): string {
  const { ajv, validate } = compileComposeValidator({ code: { source: true } });
  const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;
  return `${standaloneCode(ajv, validate)}\nmodule.exports.schemaSha256 = ${JSON.stringify(sha256(schemaText()))};\n`;
}

/** A validator written by precompiledValidatorSource(), or undefined if absent or stale. */
export function loadPrecompiledValidator(file = PRECOMPILED_VALIDATOR_PATH): ValidateFunction | undefined {
  if (!fs.existsSync(file)) return undefined;
  const loaded = require(file) as ValidateFunction & { schemaSha256?: string };
  return loaded.schemaSha256 === sha256(schemaText()) ? loaded : undefined;
}

let validator: ValidateFunction | undefined;

/** One line per schema violation, e.g. "/services/app/ports/0: must be ...". */
export function composeSchemaErrors(compose: unknown, validate = (validator ??= loadPrecompiledValidator() ?? compileComposeValidator().validate)): string[] {
  if (validate(compose)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath || '/';
    const extra = error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : '';
    return `${where}: ${error.message ?? 'invalid'}${extra}`;
  });
}
