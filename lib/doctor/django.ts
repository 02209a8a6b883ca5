/**
 * The Django facts doctor checks nginx against, read with the generator's own detection
 * (settings through the Python parser, never imported). The settings module is the one the
 * compose file runs with when it names one, else the one detection chooses (production first).
 */
import path from 'node:path';
import { detectProject, NotDjangoProjectError } from '../detect/project.js';
import { moduleFile, readSettings, type Setting } from '../detect/settings.js';
import type { Value } from '../detect/evaluate.js';
import { isDjango, type ComposeFacts } from './compose.js';

export interface PathSetting {
  /** As written: absolute, or relative to the project root (BASE_DIR / "x"). */
  value: string;
  absolute: boolean;
  file: string;
  line: number;
}

export interface DjangoFacts {
  root: string;
  settingsModule: string;
  settings: Map<string, Setting>;
  staticUrl?: string;
  staticRoot?: PathSetting;
  mediaUrl?: string;
  mediaRoot?: PathSetting;
  whitenoise: boolean;
  /** A manifest storage: collectstatic writes staticfiles.json into STATIC_ROOT. */
  manifest: boolean;
}

export function readDjango(root: string, compose?: ComposeFacts): DjangoFacts | undefined {
  const fromCompose = compose?.services.filter(isDjango).map((s) => s.environment.get('DJANGO_SETTINGS_MODULE')).find((m) => m && moduleFile(root, m));
  let facts;
  try {
    facts = detectProject(root, fromCompose ? { settingsModule: fromCompose } : {});
  } catch (error) {
    if (error instanceof NotDjangoProjectError) return undefined;
    throw error;
  }
  const settings = readSettings(root, facts.settingsModule.value).settings;
  const text = (name: string) => {
    const value = settings.get(name)?.value;
    return value?.kind === 'str' ? value.value : undefined;
  };
  return {
    root,
    settingsModule: facts.settingsModule.value,
    settings,
    staticUrl: facts.remoteStatic ? undefined : text('STATIC_URL'),
    staticRoot: pathSetting(settings.get('STATIC_ROOT')),
    mediaUrl: text('MEDIA_URL'),
    mediaRoot: pathSetting(settings.get('MEDIA_ROOT')),
    whitenoise: facts.whitenoise?.value ?? false,
    manifest: (facts.staticfilesStorage?.value ?? '').includes('Manifest'),
  };
}

function pathSetting(setting: Setting | undefined): PathSetting | undefined {
  if (!setting) return undefined;
  const { value, file, line } = setting;
  if (value.kind === 'path') return { value: value.value, absolute: false, file, line };
  if (value.kind === 'str' && value.value) return { value: value.value, absolute: value.value.startsWith('/'), file, line };
  return undefined;
}

/** A setting's value when it is a literal True/False. */
export function boolSetting(facts: DjangoFacts, name: string): { value: boolean; setting: Setting } | undefined {
  const setting = facts.settings.get(name);
  return setting?.value.kind === 'bool' ? { value: setting.value.value, setting } : undefined;
}

/** Literal strings of a list or tuple setting. */
export function stringItems(value: Value | undefined): string[] | undefined {
  if (value?.kind !== 'list') return undefined;
  return value.items.flatMap((item) => (item.kind === 'str' ? [item.value] : []));
}

/** Does a served folder hold what this setting names? Relative settings match the folder's end. */
export function sameFolder(folder: string, setting: PathSetting, root: string): boolean {
  const clean = folder.replace(/\/+$/, '');
  if (setting.absolute) return clean === setting.value.replace(/\/+$/, '');
  const relative = setting.value.replace(/\/+$/, '');
  return clean === path.join(root, relative) || (relative !== '' && clean.endsWith(`/${relative}`));
}

/** The folder a setting names, as an absolute path on this machine. */
export const absoluteFolder = (setting: PathSetting, root: string) => (setting.absolute ? setting.value : path.join(root, setting.value));
