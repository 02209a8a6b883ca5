/**
 * Which dependency file and manager a project uses, the files the Dockerfile must copy to
 * install from it, and what that install puts in the image (runtime requirements only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { read } from '../../read-text.js';
import { normalizeName, pep508Requirement, readRequirementsTree, type Requirement } from './requirements.js';
import { isTable, lineOfKey, lineOfValue, readToml, string, strings, table, type TomlFile, type TomlTable } from './toml.js';
import { uvInstalledBy } from './uv-lock.js';
import { poetryConstraint } from './versions.js';

/** The file a lock is written from: where its groups and extras are declared, and a driver is added. */
export const MANIFEST_OF: Readonly<Record<string, string>> = { 'poetry.lock': 'pyproject.toml', 'uv.lock': 'pyproject.toml', 'pdm.lock': 'pyproject.toml', 'Pipfile.lock': 'Pipfile' };

/** A named group of a manifest ([dependency-groups], Poetry's groups, PDM's groups and extras): chosen at generation time. */
export interface DependencyGroup {
  name: string;
  requirements: Requirement[];
  /** Extras it names through the project itself (`mysite[prod]`), at any depth: their requirements are in `requirements`. */
  includes?: string[];
}

export type DependencyManager = 'pip' | 'pip-pyproject' | 'poetry' | 'uv' | 'pdm' | 'pipenv';

export interface DependencySpec {
  manager: DependencyManager;
  /** The file that names the dependencies (relative to the project). */
  file: string;
}

export interface LockedPackage {
  name: string;
  version: string;
  source: { file: string; line?: number };
  /**
   * The groups that install it, when the lock says (poetry.lock, pdm.lock): `main` for the main
   * dependencies (PDM's `default`), the group names otherwise; `extras`: the project's extras that
   * name it (poetry.lock's [extras]). A lock entry none of the chosen groups or extras installs (a
   * dev-only psycopg-binary, an unchosen extra's mysqlclient) must not count as installed.
   */
  installedBy?: { main: boolean; groups: string[]; extras?: string[] };
}

/** A dependency file as read from the project: all StackConfig needs, so it reads no files. */
export interface DependencyFacts extends DependencySpec {
  /** Files the Dockerfile copies before installing (with -r / -c includes), so that layer caches apart from the code. */
  copy: string[];
  /** What the install step installs: not dev groups, optional extras or constraints. */
  runtime: Requirement[];
  /** Versions pinned by the manager's lock file, if it has one. */
  locked: LockedPackage[];
  /** Dependency groups (uv, Poetry, PDM): installed only when chosen (lib/detect/dependencies/groups.ts). */
  groups?: DependencyGroup[];
  /** The project's own optional extras (uv, Poetry, pyproject.toml; PDM's are groups): installed only when chosen, like groups. */
  extras?: DependencyGroup[];
  /** The Pythons the lock was resolved for (uv.lock's requires-python): the image's must be one of them. */
  requiresPython?: { specifier: string; source: { file: string; line?: number } };
}

/**
 * A group or extra may name the project itself: `all = ["mysite[prod,docs]"]`, or uv's
 * `uv add --dev ".[test]"`. That installs those extras' requirements (uv, pip and PDM follow it),
 * never a package of the project's name from an index: each such entry is replaced by the
 * requirements of the extras it names, followed once each (PDM's extras are among its groups).
 */
export function withOwnExtrasFollowed(facts: DependencyFacts, projectName: string | undefined): DependencyFacts {
  if (!projectName) return facts;
  const extras = facts.extras ?? facts.groups ?? [];
  const follow = (requirements: Requirement[], seen: Set<string>): Requirement[] =>
    requirements.flatMap((requirement) => {
      if (requirement.name !== projectName) return [requirement];
      const named = (requirement.extras ?? []).filter((extra) => !seen.has(extra));
      named.forEach((extra) => seen.add(extra));
      return named.flatMap((extra) => follow(extras.find((group) => normalizeName(group.name) === extra)?.requirements ?? [], seen));
    });
  // An extra that names itself adds nothing; a group of the same name as an extra is another list.
  const followed = (groups: DependencyGroup[], areExtras: boolean) =>
    groups.map((group) => {
      const seen = new Set(areExtras ? [normalizeName(group.name)] : []);
      const requirements = follow(group.requirements, seen);
      const includes = extras.map((extra) => extra.name).filter((name) => seen.has(normalizeName(name)) && !(areExtras && name === group.name));
      return { ...group, requirements, ...(includes.length ? { includes } : {}) };
    });
  return { ...facts, ...(facts.groups ? { groups: followed(facts.groups, !facts.extras) } : {}), ...(facts.extras ? { extras: followed(facts.extras, true) } : {}) };
}

/** Lock files win over loose specifications; production requirements over base ones. */
const DEPENDENCY_FILES: [string, DependencyManager][] = [
  ['uv.lock', 'uv'],
  ['poetry.lock', 'poetry'],
  ['pdm.lock', 'pdm'],
  ['Pipfile.lock', 'pipenv'],
  ['requirements/production.txt', 'pip'],
  ['requirements/prod.txt', 'pip'],
  ['requirements.txt', 'pip'],
  ['requirements/base.txt', 'pip'],
  ['pyproject.toml', 'pip-pyproject'],
];

/** The manager a dependency file name means, or undefined when it is no dependency file this generator installs from. */
function dependencyFor(file: string): DependencySpec | undefined {
  const known = DEPENDENCY_FILES.find(([name]) => name === file);
  if (known) return { manager: known[1], file };
  if (file.endsWith('.txt') || file.endsWith('.in')) return { manager: 'pip', file };
  return undefined;
}

/** Why a name cannot be installed from, for the dependencies answer's validation. */
export function dependencyFileProblem(file: string): string | undefined {
  const normal = path.posix.normalize(file.replaceAll('\\', '/'));
  if (path.posix.isAbsolute(normal) || normal === '..') {
    return `${file} is not a file relative to this folder: name it from the folder that holds manage.py (e.g. ../requirements.txt when it is in the parent folder)`;
  }
  return (dependencyFor(path.posix.basename(normal)) ?? dependencyFor(normal))
    ? undefined
    : `unknown dependency file ${file}: expected a requirements *.txt file, pyproject.toml, poetry.lock, uv.lock, pdm.lock or Pipfile.lock`;
}

export interface DetectedDependencies {
  /** Dependency files found, the preferred first. */
  candidates: DependencyFacts[];
  warnings: string[];
  /** Why no candidate could be chosen when the project clearly has dependencies (e.g. Poetry without poetry.lock). */
  problem?: string;
}

/**
 * The folders to look for manifests in, the Django folder first, then each parent up to the
 * repository root (the nearest folder with .git) or `startedIn` when that is higher.
 */
export function manifestFolders(root: string, startedIn?: string): string[] {
  const django = path.resolve(root);
  const start = startedIn ? path.resolve(startedIn) : django;
  const within = (dir: string, top: string) => !path.relative(top, dir).startsWith('..');
  let top = within(django, start) ? start : django;
  for (let dir = django; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) {
      if (within(top, dir)) top = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  const folders: string[] = [];
  for (let dir = django; within(dir, top); dir = path.dirname(dir)) {
    folders.push(dir);
    if (dir === top || path.dirname(dir) === dir) break;
  }
  return folders;
}

/**
 * The manifests of the nearest folder, from the Django folder upward (manifestFolders), that has
 * any; their paths are relative to the Django folder (`../uv.lock`).
 */
export function detectDependencies(root: string, startedIn?: string): DetectedDependencies {
  for (const folder of manifestFolders(root, startedIn)) {
    const detected = detectInFolder(folder);
    if (detected.candidates.length > 0 || detected.problem) {
      const prefix = path.relative(path.resolve(root), folder).split(path.sep).join('/');
      return { ...detected, candidates: detected.candidates.map((candidate) => relocated(candidate, prefix)) };
    }
  }
  return detectInFolder(path.resolve(root));
}

/** A manifest read in `prefix` (e.g. '..'), its file names made relative to the Django folder. */
function relocated(facts: DependencyFacts, prefix: string): DependencyFacts {
  if (!prefix) return facts;
  const join = (file: string) => path.posix.join(prefix, file);
  const requiresPython = facts.requiresPython && { ...facts.requiresPython, source: { ...facts.requiresPython.source, file: join(facts.requiresPython.source.file) } };
  return { ...facts, file: join(facts.file), copy: facts.copy.map(join), ...(requiresPython ? { requiresPython } : {}) };
}

/** A dependency file the user names (it may be none of the detected ones, e.g. ../requirements.txt); undefined when it does not exist. */
export function readDependencySpec(root: string, file: string): DependencyFacts | undefined {
  const target = path.resolve(root, file);
  if (!fs.existsSync(target)) return undefined;
  // Read in its own folder (its -r includes and lock file are relative to it), named from the Django folder.
  const folder = path.dirname(target);
  const spec = dependencyFor(path.basename(target));
  if (!spec) return undefined;
  return relocated(new ProjectFiles(folder).facts(spec), path.relative(path.resolve(root), folder).split(path.sep).join('/'));
}

/**
 * `facts` with the dependency file `file` among the candidates, read now when detection did
 * not pick it up (an answer naming another file), so StackConfig finds it without the disk.
 */
export function withDependencyFile<F extends { root: string; dependencyCandidates: DependencyFacts[] }>(facts: F, file: string): F {
  if (facts.dependencyCandidates.some((candidate) => candidate.file === file)) return facts;
  const named = readDependencySpec(facts.root, file);
  return named ? { ...facts, dependencyCandidates: [...facts.dependencyCandidates, named] } : facts;
}

function detectInFolder(root: string): DetectedDependencies {
  const project = new ProjectFiles(root);
  const candidates = DEPENDENCY_FILES.filter(([file]) => fs.existsSync(path.join(root, file)))
    // pyproject.toml only counts for pip when it lists [project] dependencies or PEP 735 [dependency-groups] (a project with no [project] table).
    .filter(([, manager]) => manager !== 'pip-pyproject' || Array.isArray(table(project.pyproject(), 'project')?.['dependencies']) || table(project.pyproject(), 'dependency-groups') !== undefined)
    .map(([file, manager]) => project.facts({ manager, file }));

  let problem: string | undefined;
  const poetryDependencies = Object.keys(table(project.pyproject(), 'tool', 'poetry', 'dependencies') ?? {}).filter((name) => name !== 'python');
  if (poetryDependencies.length > 0 && !fs.existsSync(path.join(root, 'poetry.lock'))) {
    problem = 'pyproject.toml declares Poetry dependencies but there is no poetry.lock: run `poetry lock` and commit it, or pass --dependencies requirements.txt';
    project.warnings.push(problem);
  }
  return { candidates, warnings: project.warnings, problem };
}
/** A PDM requirement as PEP 508: PDM also takes `-e name @ url` and `${PROJECT_ROOT}` (the project's folder) in a URL. */
const pdmRequirement = (entry: string): string => (entry.startsWith('-e ') ? entry.slice(3).trim() : entry).replaceAll('${PROJECT_ROOT}', '.');

/** A lock's local source folder or file, normalized, relative to the lock's folder; none for the project itself or an absolute path. */
function localSource(where: string | undefined): string[] {
  const normal = where && path.posix.normalize(where.replaceAll('\\', '/'));
  return normal && normal !== '.' && !path.posix.isAbsolute(normal) ? [normal.replace(/\/$/, '')] : [];
}

/** The project's manifests, each read and parsed once per detection; problems collected as warnings. */
class ProjectFiles {
  readonly warnings: string[] = [];
  private tomlFiles = new Map<string, TomlFile | undefined>();

  constructor(private readonly root: string) {}

  facts(spec: DependencySpec): DependencyFacts {
    return withOwnExtrasFollowed(this.factsAsWritten(spec), this.projectName());
  }

  /** The project's own name ([project], or Poetry 1's [tool.poetry]), normalized. */
  private projectName(): string | undefined {
    const name = string(table(this.pyproject(), 'project')?.['name']) ?? string(table(this.pyproject(), 'tool', 'poetry')?.['name']);
    return name && normalizeName(name);
  }

  private factsAsWritten(spec: DependencySpec): DependencyFacts {
    switch (spec.manager) {
      case 'pip': {
        const tree = readRequirementsTree(this.root, spec.file);
        this.warnings.push(...tree.warnings);
        return { ...spec, copy: [...tree.files, ...tree.localPaths.filter((local) => !tree.files.includes(local))], runtime: tree.requirements, locked: [] };
      }
      case 'pip-pyproject': {
        // [dependency-groups] (PEP 735) are installed when chosen, read from pyproject.toml by the Dockerfile as [project] is.
        const groups = this.dependencyGroups();
        return { ...spec, copy: ['pyproject.toml'], runtime: this.projectDependencies(), locked: [], extras: this.projectExtras(), ...(groups.length ? { groups } : {}) };
      }
      case 'poetry':
        // Poetry 2 also reads [project] dependencies; `--only main` leaves out every group.
        return {
          ...spec,
          copy: ['pyproject.toml', 'poetry.lock'],
          runtime: [...this.poetryDependencies(), ...this.projectDependencies()],
          locked: this.lockedPackages('poetry.lock'),
          groups: this.poetryGroups(),
          extras: [...this.poetryExtras(), ...this.projectExtras()],
        };
      case 'pdm':
        // `pdm sync --prod` installs [project] dependencies; optional-dependencies, [dependency-groups] and [tool.pdm.dev-dependencies] are all groups (-G).
        return {
          ...spec,
          copy: ['pyproject.toml', 'pdm.lock', ...this.pdmLocalSources()],
          runtime: this.projectDependencies(true),
          locked: this.lockedPackages('pdm.lock'),
          groups: this.pdmGroups(),
        };
      case 'uv':
        // `uv sync --no-dev` installs [project] dependencies, not dependency-groups; path sources and workspace members are built from their folders.
        return {
          ...spec,
          copy: ['pyproject.toml', 'uv.lock', ...this.uvLocalSources()],
          runtime: this.projectDependencies(),
          locked: this.lockedPackages('uv.lock'),
          groups: this.dependencyGroups(),
          extras: this.projectExtras(),
          ...this.lockRequiresPython('uv.lock'),
        };
      case 'pipenv':
        return { ...spec, copy: ['Pipfile', 'Pipfile.lock'], runtime: this.pipfilePackages(), locked: this.pipfileLocked() };
    }
  }

  pyproject(): TomlTable | undefined {
    return this.toml('pyproject.toml');
  }

  private toml(file: string): TomlTable | undefined {
    if (!this.tomlFiles.has(file)) {
      const parsed = readToml(this.root, file);
      if (parsed && 'problem' in parsed) this.warnings.push(parsed.problem);
      this.tomlFiles.set(file, parsed);
    }
    const parsed = this.tomlFiles.get(file);
    return parsed && 'data' in parsed ? parsed.data : undefined;
  }

  private text(file: string): string {
    this.toml(file);
    return this.tomlFiles.get(file)?.text ?? '';
  }

  /** PEP 621 [project] dependencies (optional-dependencies are extras: not installed); `pdm`: PDM's own forms allowed. */
  private projectDependencies(pdm = false): Requirement[] {
    const text = this.text('pyproject.toml');
    return strings(table(this.pyproject(), 'project')?.['dependencies']).flatMap((entry) => {
      const line = lineOfValue(text, `"${entry}"`, '[project]') ?? lineOfValue(text, `'${entry}'`, '[project]');
      return pep508Requirement(pdm ? pdmRequirement(entry) : entry, { file: 'pyproject.toml', line }, this.warnings) ?? [];
    });
  }

  /** PEP 621 [project.optional-dependencies]: the project's extras, each a list of PEP 508 strings. */
  private projectExtras(): DependencyGroup[] {
    const text = this.text('pyproject.toml');
    return Object.entries(table(this.pyproject(), 'project', 'optional-dependencies') ?? {}).map(([name, entries]) => ({
      name,
      requirements: strings(entries).flatMap((entry) => {
        const line = lineOfValue(text, `"${entry}"`, '[project.optional-dependencies]') ?? lineOfValue(text, `'${entry}'`, '[project.optional-dependencies]');
        return pep508Requirement(entry, { file: 'pyproject.toml', line }, this.warnings) ?? [];
      }),
    }));
  }

  /** Poetry's [tool.poetry.extras]: each names optional ([tool.poetry.dependencies] `optional = true`) dependencies. */
  private poetryExtras(): DependencyGroup[] {
    const optional = this.poetryDependencies(['tool', 'poetry', 'dependencies'], true);
    return Object.entries(table(this.pyproject(), 'tool', 'poetry', 'extras') ?? {}).map(([name, entries]) => {
      const names = strings(entries).map(normalizeName);
      return { name, requirements: optional.filter((requirement) => names.includes(requirement.name)) };
    });
  }

  /** PEP 735 [dependency-groups]: each a list of PEP 508 strings and { include-group = "name" } (followed, once). */
  private dependencyGroups(): DependencyGroup[] {
    const text = this.text('pyproject.toml');
    const groups = table(this.pyproject(), 'dependency-groups') ?? {};
    const entries = (name: string, seen: Set<string>): string[] => {
      if (seen.has(name)) return [];
      seen.add(name);
      const list = groups[name];
      return (Array.isArray(list) ? list : []).flatMap((entry) => {
        if (typeof entry === 'string') return [entry];
        const included = isTable(entry) ? string(entry['include-group']) : undefined;
        return included ? entries(included, seen) : [];
      });
    };
    return Object.keys(groups).map((name) => ({
      name,
      requirements: entries(name, new Set()).flatMap((entry) => {
        const line = lineOfValue(text, `"${entry}"`, '[dependency-groups]') ?? lineOfValue(text, `'${entry}'`, '[dependency-groups]');
        return pep508Requirement(entry, { file: 'pyproject.toml', line }, this.warnings) ?? [];
      }),
    }));
  }

  /**
   * PDM's groups: [project.optional-dependencies] (PDM installs an extra as a group), then
   * [dependency-groups] and the older [tool.pdm.dev-dependencies], whose lists PDM merges by name.
   * A dev entry may be editable (`-e name @ file:///${PROJECT_ROOT}/../lib`): PDM's own forms,
   * read as the requirement they name.
   */
  private pdmGroups(): DependencyGroup[] {
    const text = this.text('pyproject.toml');
    const read = (entries: unknown, section: string): Requirement[] =>
      strings(entries).flatMap((entry) => {
        const line = lineOfValue(text, `"${entry}"`, section) ?? lineOfValue(text, `'${entry}'`, section);
        return pep508Requirement(pdmRequirement(entry), { file: 'pyproject.toml', line }, this.warnings) ?? [];
      });
    const byName = new Map<string, Requirement[]>();
    const add = (name: string, requirements: Requirement[]) => byName.set(name, [...(byName.get(name) ?? []), ...requirements]);
    for (const [name, entries] of Object.entries(table(this.pyproject(), 'project', 'optional-dependencies') ?? {})) add(name, read(entries, '[project.optional-dependencies]'));
    for (const group of this.dependencyGroups()) add(group.name, group.requirements);
    for (const [name, entries] of Object.entries(table(this.pyproject(), 'tool', 'pdm', 'dev-dependencies') ?? {})) add(name, read(entries, '[tool.pdm.dev-dependencies]'));
    return [...byName].map(([name, requirements]) => ({ name, requirements }));
  }

  /** pdm.lock's local packages (`path = "../lib"`, editable or not), relative to the lock's folder: copied into the builder like uv's. */
  private pdmLocalSources(): string[] {
    const packages = this.toml('pdm.lock')?.['package'];
    const local = (Array.isArray(packages) ? packages : []).flatMap((entry) => {
      return localSource(isTable(entry) ? string(entry['path']) : undefined);
    });
    return this.existingSources('pdm.lock', local);
  }

  /** Poetry's [tool.poetry.group.<name>.dependencies], read like the main dependencies. */
  private poetryGroups(): DependencyGroup[] {
    const groups = table(this.pyproject(), 'tool', 'poetry', 'group') ?? {};
    return Object.keys(groups).map((name) => ({ name, requirements: this.poetryDependencies(['tool', 'poetry', 'group', name, 'dependencies']) }));
  }

  /** [tool.poetry.dependencies]: "^4.2", { version = "^4.2", extras = [...] }, or a list of those; optional ones (only those when `optional`) are extras'. */
  private poetryDependencies(at: string[] = ['tool', 'poetry', 'dependencies'], optional = false): Requirement[] {
    const text = this.text('pyproject.toml');
    const dependencies = table(this.pyproject(), ...at) ?? {};
    return Object.entries(dependencies).flatMap(([name, value]) => {
      if (name === 'python') return [];
      const constraints = (Array.isArray(value) ? value : [value]).filter((entry) => (isTable(entry) && entry['optional'] === true) === optional);
      if (constraints.length === 0) return [];
      const versions = constraints.map((entry) => (isTable(entry) ? string(entry['version']) : string(entry)) ?? '*');
      const source = { file: 'pyproject.toml', line: lineOfKey(text, name, `[${at.join('.')}]`) };
      const specifier = versions.join(' || ');
      const extras = constraints.flatMap((entry) => (isTable(entry) ? strings(entry['extras']) : [])).map(normalizeName);
      return [{ name: normalizeName(name), specifier: specifier === '*' ? '' : specifier, ranges: versions.flatMap(poetryConstraint), ...(extras.length ? { extras } : {}), source }];
    });
  }

  /** Pipfile [packages] ("*", "==4.2", { version = "...", extras = [...], markers = "..." }); [dev-packages] are not installed. */
  private pipfilePackages(): Requirement[] {
    const packages = table(this.toml('Pipfile'), 'packages') ?? {};
    const text = this.text('Pipfile');
    return Object.entries(packages).flatMap(([name, value]) => {
      const version = isTable(value) ? string(value['version']) : string(value);
      const markers = isTable(value) ? string(value['markers']) : undefined;
      const extras = isTable(value) ? strings(value['extras']) : [];
      const source = { file: 'Pipfile', line: lineOfKey(text, name, '[packages]') };
      // Pipfile versions are PEP 440 specifiers, so name + version + marker is a PEP 508 string.
      const requirement = `${name}${extras.length ? `[${extras.join(',')}]` : ''}${version && version !== '*' ? version : ''}${markers ? `; ${markers}` : ''}`;
      return pep508Requirement(requirement, source, this.warnings) ?? [];
    });
  }

  /**
   * poetry.lock / uv.lock / pdm.lock: [[package]] name and version, and for Poetry and PDM the
   * groups that install it (`groups`; Poetry's `optional = true` entries come only with an extra,
   * whose names poetry.lock's [extras] table lists). uv.lock says it only through the graph (uv-lock.ts).
   */
  private lockedPackages(file: string): LockedPackage[] {
    const packages = this.toml(file)?.['package'];
    const uvGraph = file === 'uv.lock' ? uvInstalledBy(this.toml(file)) : undefined;
    const text = this.text(file);
    const main = file === 'pdm.lock' ? 'default' : 'main';
    const extras = Object.entries(table(this.toml(file), 'extras') ?? {}).map(([extra, names]) => ({ extra, names: strings(names).map(normalizeName) }));
    return (Array.isArray(packages) ? packages : []).flatMap((entry) => {
      const name = isTable(entry) ? string(entry['name']) : undefined;
      const version = isTable(entry) ? string(entry['version']) : undefined;
      if (!isTable(entry) || !name || !version) return [];
      const locked: LockedPackage = { name: normalizeName(name), version, source: { file, line: lineOfKey(text, 'name', undefined, name) } };
      if (file === 'uv.lock') {
        const installedBy = uvGraph?.get(entry);
        return [installedBy ? { ...locked, installedBy } : locked];
      }
      if (!Array.isArray(entry['groups'])) return [locked];
      const groups = strings(entry['groups']);
      const onlyWithExtra = entry['optional'] === true;
      const byExtras = extras.filter((extra) => extra.names.includes(locked.name)).map((extra) => extra.extra);
      return [{ ...locked, installedBy: { main: groups.includes(main) && !onlyWithExtra, groups: groups.filter((group) => group !== main), ...(byExtras.length ? { extras: byExtras } : {}) } }];
    });
  }

  /** A lock's top-level requires-python (uv.lock), as a DependencyFacts field. */
  private lockRequiresPython(file: string): Pick<DependencyFacts, 'requiresPython'> {
    const specifier = string(this.toml(file)?.['requires-python']);
    return specifier ? { requiresPython: { specifier, source: { file, line: lineOfKey(this.text(file), 'requires-python') } } } : {};
  }

  /**
   * uv.lock's local sources ([tool.uv.sources] paths, workspace members): `directory`, `editable`
   * or `path` (a wheel or sdist), relative to the lock's folder. The builder builds them, so the
   * Dockerfile copies them with the manifests. Not `virtual` ones: uv installs only their dependencies.
   */
  private uvLocalSources(): string[] {
    const packages = this.toml('uv.lock')?.['package'];
    const local = (Array.isArray(packages) ? packages : []).flatMap((entry) => {
      const source = isTable(entry) ? table(entry, 'source') : undefined;
      return localSource(source && (string(source['directory']) ?? string(source['editable']) ?? string(source['path'])));
    });
    return this.existingSources('uv.lock', local);
  }

  /** A lock's local sources that are there, sorted; a warning for those that are not. */
  private existingSources(lock: string, local: string[]): string[] {
    const missing = local.filter((where) => !fs.existsSync(path.join(this.root, where)));
    if (missing.length) this.warnings.push(`${lock}: local sources ${[...new Set(missing)].join(', ')} are not there (the image build will fail): commit them, or lock without them`);
    return [...new Set(local)].filter((where) => !missing.includes(where)).sort();
  }

  /** Pipfile.lock (JSON): the "default" section's "==x.y.z" pins; "develop" is not installed by --deploy. */
  private pipfileLocked(): LockedPackage[] {
    const text = read(this.root, 'Pipfile.lock');
    if (text === undefined) return [];
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      this.warnings.push(`Pipfile.lock: not valid JSON (${(error as Error).message})`);
      return [];
    }
    const defaults = isTable(data) ? table(data, 'default') : undefined;
    return Object.entries(defaults ?? {}).flatMap(([name, entry]) => {
      const pin = isTable(entry) ? string(entry['version']) : undefined;
      if (!pin?.startsWith('==')) return [];
      return [{ name: normalizeName(name), version: pin.slice(2), source: { file: 'Pipfile.lock', line: lineOfValue(text, `"${name}"`, '"default": {') } }];
    });
  }
}
