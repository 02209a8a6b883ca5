/**
 * What a deployment target is: how it writes the service model (its stack file and the files
 * that deploy it), how it checks them before anything is written, what it tells the user
 * before and after, and the runtime the health check runs the stack through. One module per target, registered
 * in ./index.ts.
 */
import type { DatabaseChoice } from '../config/questions.js';
import type { StackConfig } from '../config/stack-config.js';
import type { OpenRuntime } from '../health/health-runtime.js';
import type { TargetTraits } from '../model/service.js';
import type { PlannedFile } from '../render/files.js';
import type { FileReader, Problem } from '../validate/invariants.js';

export interface Target {
  name: StackConfig['target'];
  /** What the target can do, which decides what the features put in the model. */
  traits: TargetTraits;
  /** The model in the target's terms: compose.yaml, stack.yaml. */
  stackFile(config: StackConfig): PlannedFile;
  /** The target's own files beside it (swarm.sh, the release Dockerfile). */
  files(config: StackConfig): PlannedFile[];
  /** Problems in the target's files, before anything is written; each names its file. */
  validate(config: StackConfig, read: FileReader): Problem[];
  /** Before writing: what differs on this target for the same answers. */
  notices(config: StackConfig, context: { settingsDatabase: DatabaseChoice | undefined }): string[];
  /** After writing: what to run next, when the generator does not start the stack itself. */
  nextSteps(config: StackConfig): string[];
  /** Its runtime for the one health flow (lib/health/run.ts), loading Docker code only when a check runs. */
  runtime: OpenRuntime;
}
