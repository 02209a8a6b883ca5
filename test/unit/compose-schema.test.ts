import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES } from '../../lib/config/names.js';
import { packageRoot } from '../../lib/package-root.js';
import { compileComposeValidator, composeSchemaErrors, loadPrecompiledValidator, precompiledValidatorSource } from '../../lib/validate/compose-schema.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

type Compose = { services: Record<string, Record<string, unknown>> };

describe('the compose schema validator compiled at build time', () => {
  // What scripts/build-schema-validator.mjs writes into dist/, written to a temporary
  // directory instead and loaded the way dist/ loads it. Its code requires ajv's runtime
  // helpers, so that directory sees this checkout's node_modules.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-validator-'));
  fs.symlinkSync(path.join(packageRoot(), 'node_modules'), path.join(dir, 'node_modules'));
  const source = precompiledValidatorSource();
  const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
  const precompiled = loadPrecompiledValidator(write('compose-schema-validator.cjs', source));
  const compiledNow = compileComposeValidator().validate;

  const valid = parse(renderAll(fixtures.startproject()).output.get(GENERATED_FILES.compose)!) as Compose;
  const broken = structuredClone(valid);
  broken.services['nginx']!['ports'] = 'not-a-list';
  broken.services['app']!['restart'] = 42;
  broken.services['app']!['no_such_key'] = true;

  it('gives the same verdict as compiling the schema at run time: a generated compose file passes', () => {
    expect(precompiled).toBeTypeOf('function');
    expect(composeSchemaErrors(valid, precompiled)).toEqual([]);
    expect(composeSchemaErrors(valid, compiledNow)).toEqual([]);
  });

  it('gives the same errors as compiling the schema at run time: a broken one fails on each problem', () => {
    const errors = composeSchemaErrors(broken, precompiled);
    expect(errors).toEqual(composeSchemaErrors(broken, compiledNow));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/services\/nginx\/ports: /),
        expect.stringMatching(/^\/services\/app\/restart: /),
        '/services/app: must NOT have additional properties (no_such_key)',
      ]),
    );
  });

  it('is not used once the vendored schema differs from the one it was compiled from', () => {
    const stale = source.replace(/schemaSha256 = "[0-9a-f]{64}"/, `schemaSha256 = "${'0'.repeat(64)}"`);
    expect(stale).not.toBe(source);
    expect(loadPrecompiledValidator(write('stale-validator.cjs', stale))).toBeUndefined();
    expect(loadPrecompiledValidator(path.join(dir, 'absent.cjs'))).toBeUndefined();
  });
});
