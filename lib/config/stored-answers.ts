/**
 * What the answers' store keeps of the last generation (the manifest in .yo-rc.json, written by
 * lib/regen/manifest.ts): its shape, the summary of what was detected, and how a stored answer
 * meets a new detection. Here, in config, because the answers read them.
 */
import type { ProjectFacts } from '../detect/project.js';
import type { Answers } from './questions.js';

export interface Detected {
  settingsModule: string;
  dependencies?: string;
  staticUrl?: string;
  staticfilesDirs: string[];
  mediaUrl?: string;
  mediaRoot?: string;
  djangoVersion?: string;
}

export interface Manifest {
  answers: Answers;
  detected: Detected;
  /** Generated file -> sha256 of the content this generator wrote. */
  files: Record<string, string>;
}

export function summarizeFacts(facts: ProjectFacts): Detected {
  return {
    settingsModule: facts.settingsModule.value,
    dependencies: facts.dependencies?.value.file,
    staticUrl: facts.staticUrl?.value,
    staticfilesDirs: facts.staticfilesDirs.value,
    mediaUrl: facts.mediaUrl?.value,
    mediaRoot: facts.mediaRoot?.value,
    djangoVersion: facts.djangoVersion?.value,
  };
}

/** A detected value as a user reads it, and as two detections are compared. */
export const showValue = (value: unknown) => (Array.isArray(value) ? `[${value.join(', ')}]` : String(value));

/**
 * The default for a detected answer on a re-run: the stored answer, unless the project
 * itself changed that value since the last generation (then the new detection wins).
 */
export function regenerationDefault<T>(stored: T | undefined, detectedBefore: unknown, detectedNow: unknown, value: T | undefined): T | undefined {
  if (stored === undefined) return value;
  const projectChanged = showValue(detectedBefore) !== showValue(detectedNow);
  return projectChanged && value !== undefined ? value : stored;
}
