import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/package-root.js';
import { supportedNodeRange, unsupportedNodeMessage } from '../../lib/supported-node.js';

describe('the supported Node versions', () => {
  it("are package.json's engines range, what yeoman-generator and yeoman-environment need", () => {
    const needed = ['yeoman-generator', 'yeoman-environment'].map(
      (name) => (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'node_modules', name, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node,
    );
    const ours = supportedNodeRange();
    for (const range of needed) expect([semver.subset(range, ours), semver.subset(ours, range)], `${range} vs ${ours}`).toEqual([true, true]);
  });

  it.each(['22.18.0', '22.23.3', '24.11.0', '24.21.0', '25.2.1'])('Node %s runs', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined();
  });

  it.each(['20.20.2', '22.17.1', '23.11.0', '24.10.0'])('Node %s gets one line naming the Node needed', (version) => {
    expect(unsupportedNodeMessage(version)).toBe(`error: generator-django-static needs Node ^22.18 or >=24.11; this is Node ${version}. Install a current Node LTS and run again.`);
  });

  it('this test run is on a supported Node', () => {
    expect(unsupportedNodeMessage(process.versions.node)).toBeUndefined();
  });
});
