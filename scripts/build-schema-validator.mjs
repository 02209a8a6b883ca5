#!/usr/bin/env node
// Build step (after tsc): compiles the vendored compose-spec schema once, with ajv's
// standalone code generation, so a run of the generator loads a ready validator instead of
// compiling the schema (about half a second) every time. Writes it beside the compiled
// lib/validate/compose-schema.js, which is where that module looks for it.
import fs from 'node:fs';
import { PRECOMPILED_VALIDATOR_PATH, precompiledValidatorSource } from '../dist/lib/validate/compose-schema.js';

fs.writeFileSync(`${PRECOMPILED_VALIDATOR_PATH}.part`, precompiledValidatorSource());
fs.renameSync(`${PRECOMPILED_VALIDATOR_PATH}.part`, PRECOMPILED_VALIDATOR_PATH);
console.log(`[build] compose schema validator -> ${PRECOMPILED_VALIDATOR_PATH}`);
