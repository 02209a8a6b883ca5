#!/usr/bin/env node
// Build step (after tsc): rewrites dist/bin/run.js (the bin's body; dist/bin/cli.js, which checks
// the Node version first, loads it) as one file holding the bin, the generators and every library
// they load. Node 20 has no compile cache, and loading yeoman-environment and
// yeoman-generator as they are installed (a few thousand small modules: lodash-es one function a
// file, rxjs, inquirer, and fly-import's whole npm client) takes over a second before any work.
//
// A bundle changes what `import.meta.url` means: every bundled module now lives in the bundle's
// file. Two kinds of module read files relative to their own:
// - ours (templates/, vendor/, the precompiled schema validator): their `import.meta.url` is
//   rewritten to their own file in dist/, which ships beside the bundle, so they behave unchanged;
// - three library modules read their own package.json when loaded: those reads are replaced by
//   the value they would have read, from the package.json of the very code being bundled. If a
//   library's code no longer matches, the build fails instead of shipping a bin that cannot start.
// `yo django-static` does not use this file: yo loads dist/generators/*/index.js, left as tsc wrote them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const cli = path.join(dist, 'bin', 'run.js');
/** The bin: it checks the Node version, then loads the bundle. */
const bin = path.join(dist, 'bin', 'cli.js');
const MARKER = '// generator-django-static: bundled by scripts/bundle-cli.mjs';
const FLY_IMPORT_STUB = '\0fly-import-stub';

/**
 * Library modules that read their own package.json when loaded: [file, source text, the value read from that package.json].
 * No public API passes them that value: see docs/yeoman-internals.md.
 */
const SELF_READS = [
  ['yeoman-environment/dist/environment-base.js', `require('../package.json').version`, (own) => own.version],
  ['yeoman-environment/dist/module-lookup.js', `JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString()).name`, (own) => own.name],
  ['yeoman-generator/dist/generator.js', `JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))`, (own) => own],
];

/** The package.json of the package a library module belongs to (whichever copy of it is bundled). */
function ownPackageJson(id, file) {
  const name = file
    .split('/')
    .slice(0, file.startsWith('@') ? 2 : 1)
    .join('/');
  return JSON.parse(fs.readFileSync(path.join(id.slice(0, id.length - file.length), name, 'package.json'), 'utf8'));
}

/** The library file a module id is, relative to node_modules, or undefined for our own modules. */
function libraryFile(id) {
  const at = id.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  return at < 0
    ? undefined
    : id
        .slice(at + '/node_modules/'.length)
        .split(path.sep)
        .join('/');
}

/** Source ranges of every `import.meta.url` in a module, found with rolldown's own parser. */
function importMetaUrls(code, file) {
  const ranges = [];
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'MemberExpression' && node.object.type === 'MetaProperty' && node.object.meta.name === 'import' && node.property.name === 'url' && !node.computed) {
      ranges.push([node.start, node.end]);
      return;
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'type' && value && typeof value === 'object') visit(value);
  };
  visit(parseAst(code, { lang: 'js', sourceType: 'module' }, file));
  return ranges;
}

const keepOwnFiles = {
  name: 'keep-own-files',
  transform: {
    filter: { id: { include: [/\.js$/], exclude: [/[\\/]node_modules[\\/]/] } },
    handler(code, id) {
      if (!id.startsWith(dist + path.sep)) return null; // rolldown's own runtime helpers
      // The module's own file in dist/, relative to the bundle (dist/bin/run.js): the same within any install.
      const relative = path.relative(path.dirname(cli), id).split(path.sep).join('/');
      const ranges = importMetaUrls(code, id);
      if (!ranges.length) return null;
      let out = code;
      for (const [start, end] of ranges.reverse()) out = `${out.slice(0, start)}new URL(${JSON.stringify(relative)}, import.meta.url).href${out.slice(end)}`;
      return { code: out, map: null };
    },
  },
};

const inlineSelfReads = {
  name: 'inline-library-self-reads',
  transform: {
    filter: { id: /[\\/]node_modules[\\/]/ },
    handler(code, id) {
      const file = libraryFile(id);
      const reads = SELF_READS.filter(([target]) => target === file);
      if (!reads.length) return null;
      let out = code;
      const own = ownPackageJson(id, file);
      for (const [, source, value] of reads) {
        if (out.split(source).length !== 2) throw new Error(`${file} no longer reads its package.json as \`${source}\`: update SELF_READS in scripts/bundle-cli.mjs`);
        out = out.replace(source, () => JSON.stringify(value(own)));
        used.add(file);
      }
      return { code: out, map: null };
    },
  },
};
const used = new Set();

// yeoman-environment imports fly-import (npm's arborist and pacote) to install generators on
// demand; this bin runs only its own two generators and never installs one.
const stubFlyImport = {
  name: 'stub-fly-import',
  resolveId: (source) => (source === 'fly-import' ? FLY_IMPORT_STUB : null),
  load: (id) =>
    id === FLY_IMPORT_STUB
      ? `const unavailable = () => { throw new Error('generator-django-static: installing generators is not available in this bin'); };
export class FlyRepository { constructor(options) { this.repositoryPath = options.repositoryPath; } install() { unavailable(); } }
export const flyImport = unavailable;`
      : null,
};

const source = fs.readFileSync(cli, 'utf8');
if (source.includes(MARKER)) throw new Error(`${cli} is already bundled: run tsc first (npm run build)`);

// pip-requirements-js is MPL-2.0 (file-level copyleft): it stays out of the minified bundle and
// is loaded from its installed, unmodified source files.
const EXTERNAL = ['pip-requirements-js'];
const bundle = await rolldown({ input: cli, platform: 'node', external: EXTERNAL, plugins: [stubFlyImport, keepOwnFiles, inlineSelfReads], logLevel: 'warn' });
// Minified, V8 parses half the bytes (about 0.1 s less at each start); keepNames, for libraries that read class names.
const { output } = await bundle.generate({ format: 'esm', codeSplitting: false, postBanner: MARKER, comments: { legal: false }, minify: true, keepNames: true });
await bundle.close();
for (const [file] of SELF_READS) if (!used.has(file)) throw new Error(`${file} is no longer bundled: update SELF_READS in scripts/bundle-cli.mjs`);
const [chunk] = output;

// The bundle carries the libraries' code: their licences go beside it.
const packages = new Map();
for (const id of chunk.moduleIds) {
  const file = libraryFile(id);
  if (!file) continue;
  const name = file
    .split('/')
    .slice(0, file.startsWith('@') ? 2 : 1)
    .join('/');
  const dir = id.slice(0, id.lastIndexOf(`${path.sep}node_modules${path.sep}`) + '/node_modules/'.length) + name;
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  packages.set(`${meta.name}@${meta.version}`, [dir, meta]); // copies of one version: one notice
}
const notices = [...packages.values()]
  .sort(([, a], [, b]) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
  .map(([dir, meta]) => {
    const licenceFile = fs.readdirSync(dir).find((name) => ['license', 'licence'].some((word) => name.toLowerCase().startsWith(word)));
    const text = licenceFile ? fs.readFileSync(path.join(dir, licenceFile), 'utf8').trim() : '(no licence file in the package)';
    return `${meta.name}@${meta.version} (${typeof meta.license === 'string' ? meta.license : JSON.stringify(meta.license)})\n\n${text}\n`;
  });

fs.writeFileSync(`${cli}.part`, chunk.code, { mode: 0o644 }); // a module; the bin is cli.js
fs.chmodSync(bin, 0o755);
fs.renameSync(`${cli}.part`, cli);
fs.rmSync(`${cli}.map`, { force: true }); // tsc's map described the file just replaced
fs.writeFileSync(path.join(path.dirname(cli), 'THIRD-PARTY-LICENSES.txt'), `Code from these packages is bundled in run.js:\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`);

// The library reads replaced above happen when the bundle loads: a bundle that cannot start fails the build.
// The build runs this script on a supported Node (scripts/with-node.sh), whatever the shell's own is.
const smoke = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
if (smoke.status !== 0) throw new Error(`the bundled bin does not start (exit ${smoke.status}):\n${smoke.stderr}`);
console.log(`[build] bin bundled -> ${path.relative(root, cli)} (${packages.size} packages, ${(chunk.code.length / 1e6).toFixed(1)} MB)`);
