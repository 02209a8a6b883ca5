/**
 * Cross-file invariants, checked on the rendered (or on-disk) files themselves, so a
 * template bug or a hand edit that breaks the chain
 *   settings STATIC_ROOT == app's volume mount, nginx's volume mount == nginx's location dir,
 *   settings STATIC_URL == nginx location, SQLite NAME's folder == the data volume's mount
 * is caught with the file and the reason.
 */
import path from 'node:path';
import type { Location, StackConfig } from '../config/stack-config.js';
import type { Value } from '../detect/evaluate.js';
import { moduleNames } from '../detect/settings.js';
import { SERVICES } from '../config/names.js';
import { parseCompose } from '../compose/read.js';
import { NginxSyntaxError } from '../nginx/parse.js';
import { autoindexesOn } from '../nginx/rules.js';
import { fileLocations, parseNginx } from './nginx-conf.js';

export interface Problem {
  file: string;
  message: string;
}

export type FileReader = (path: string) => string | undefined;

export function checkInvariants(config: StackConfig, read: FileReader): Problem[] {
  const problems: Problem[] = [];
  const composeText = read(config.files.compose);
  const nginxText = read(config.files.nginxConf);
  const overlayText = read(config.overlayFile);
  if (composeText === undefined || nginxText === undefined || overlayText === undefined) {
    for (const [file, text] of [
      [config.files.compose, composeText],
      [config.files.nginxConf, nginxText],
      [config.overlayFile, overlayText],
    ] as const) {
      if (text === undefined) problems.push({ file, message: 'is missing' });
    }
    return problems;
  }

  // A hand edit that nginx itself would refuse: reported, not thrown, so the other checks still explain.
  try {
    parseNginx(nginxText);
  } catch (error) {
    if (!(error instanceof NginxSyntaxError)) throw error;
    problems.push({ file: config.files.nginxConf, message: `line ${error.line}: ${error.reason}` });
    return problems;
  }
  const mounts = volumeMounts(composeText, config.files.compose);
  const overlay = overlaySettings(overlayText, config.overlayFile);
  const locations = fileLocations(nginxText);

  for (const [kind, location] of [
    ['STATIC', config.static],
    ['MEDIA', config.media],
  ] as const) {
    if (!location) continue;
    checkLocation(kind, location, { mounts, overlay, locations, overlayFile: config.overlayFile, composeFile: config.files.compose, nginxFile: config.files.nginxConf }, problems);
  }
  if (config.database.kind === 'sqlite') checkSqlite(config.database, mounts, overlayText, { overlayFile: config.overlayFile, composeFile: config.files.compose }, problems);
  for (const location of locations) {
    for (const message of location.problems) problems.push({ file: config.files.nginxConf, message });
  }
  for (const autoindex of autoindexesOn(parseNginx(nginxText))) {
    problems.push({ file: config.files.nginxConf, message: `line ${autoindex.line}: autoindex on lists every static file to anyone` });
  }
  return problems;
}

function checkLocation(
  kind: 'STATIC' | 'MEDIA',
  expected: Location,
  found: { mounts: Map<string, Map<string, string>>; overlay: Map<string, string>; locations: ReturnType<typeof fileLocations>; overlayFile: string; composeFile: string; nginxFile: string },
  problems: Problem[],
): void {
  const compose = found.composeFile;
  const nginxConf = found.nginxFile;
  const root = found.overlay.get(`${kind}_ROOT`);
  const url = found.overlay.get(`${kind}_URL`);
  if (root !== expected.appDir) {
    problems.push({ file: found.overlayFile, message: `${kind}_ROOT is ${root ?? 'not set'}, but the ${expected.volume} volume is mounted at ${expected.appDir}` });
  }
  if (url !== expected.url) {
    problems.push({ file: found.overlayFile, message: `${kind}_URL is ${url ?? 'not set'}, but nginx serves the ${expected.volume} volume under ${expected.url}` });
  }

  const writers = kind === 'STATIC' ? [SERVICES.collectstatic, SERVICES.app] : [SERVICES.app];
  for (const service of writers) {
    const target = found.mounts.get(service)?.get(expected.volume);
    if (target !== expected.appDir) {
      problems.push({ file: compose, message: `${service} mounts the ${expected.volume} volume at ${target ?? '(nowhere)'}, but ${kind}_ROOT is ${expected.appDir}` });
    }
  }
  const nginxMount = found.mounts.get(SERVICES.nginx)?.get(expected.volume);
  const location = found.locations.find((l) => l.prefix === expected.url);
  if (!location) {
    problems.push({ file: nginxConf, message: `no "location ${expected.url}" block, so ${kind}_URL ${expected.url} is not served by nginx` });
  } else if (location.directory !== nginxMount) {
    problems.push({
      file: nginxConf,
      message: `line ${location.line}: location ${expected.url} reads files from ${location.directory ?? '(no root or alias)'}, but the ${expected.volume} volume is mounted in nginx at ${nginxMount ?? '(nowhere)'}`,
    });
  }
}

/** The SQLite file must be in the data volume, where every service that opens it mounts that volume. */
function checkSqlite(
  database: Extract<StackConfig['database'], { kind: 'sqlite' }>,
  mounts: Map<string, Map<string, string>>,
  overlayText: string,
  { overlayFile, composeFile }: { overlayFile: string; composeFile: string },
  problems: Problem[],
): void {
  const databases = moduleNames(overlayText, overlayFile).get('DATABASES');
  const entry = (value: Value | undefined, key: string) => (value?.kind === 'dict' ? value.entries.findLast(([k]) => k.kind === 'str' && k.value === key)?.[1] : undefined);
  const name = entry(entry(databases, 'default'), 'NAME');
  const file = name?.kind === 'str' ? name.value : undefined;
  const folder = file && path.posix.dirname(file);
  if (folder !== database.dir) {
    problems.push({ file: overlayFile, message: `the SQLite NAME is ${file ?? 'not readable'}, but the ${database.volume} volume is mounted at ${database.dir}` });
  }
  for (const service of [SERVICES.migrate, SERVICES.app]) {
    const target = mounts.get(service)?.get(database.volume);
    if (target !== database.dir) {
      problems.push({ file: composeFile, message: `${service} mounts the ${database.volume} volume at ${target ?? '(nowhere)'}, but the SQLite file is in ${database.dir}` });
    }
  }
}

/** service -> volume -> container path, read with the compose reader doctor uses (a trailing slash is the same folder). */
export function volumeMounts(composeText: string, composeFile: string): Map<string, Map<string, string>> {
  const { services } = parseCompose(composeText, composeFile, '/');
  return new Map(services.map((service) => [service.name, new Map(service.volumes.map((mount) => [mount.source, mount.target]))]));
}

/** Literal values of the overlay's path settings, read the same way detection reads user settings. */
function overlaySettings(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of moduleNames(text, file)) {
    if (value.kind === 'str') values.set(name, value.value);
  }
  return values;
}
