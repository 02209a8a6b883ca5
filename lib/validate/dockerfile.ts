/** Dockerfile syntax, checked by dockerfile-utils (the parser behind the Docker language server). */
import { validate } from 'dockerfile-utils';

export function dockerfileErrors(content: string): string[] {
  return validate(content)
    .filter((diagnostic) => diagnostic.severity === 1)
    .map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
}
