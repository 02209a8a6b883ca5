/**
 * Zero false positives: doctor on the stack the generator writes for every golden project
 * shape (rendered through the product's own renderStack, written beside the project) finds
 * nothing, with the project's settings and compose file read as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { SHAPE_OPTIONS, SHAPES } from '../fixtures/shapes.js';
import { renderAll } from './helpers.js';

describe('doctor on generated stacks', () => {
  for (const [shape, files] of Object.entries(SHAPES)) {
    it(`${shape}: no findings`, () => {
      const { root, output } = renderAll(files(), SHAPE_OPTIONS[shape]);
      for (const [file, text] of output) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      }
      const facts = gatherFacts({ root });
      // The rules had something to judge: the generated nginx config and the Django facts.
      expect(facts.servers.length).toBe(SHAPE_OPTIONS[shape]?.tls ? 4 : 2); // with TLS: a catch-all and the site on each port
      expect(facts.django?.settingsModule).toMatch(/docker/);
      expect(diagnose(facts).map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`)).toEqual([]);
    });
  }
});
