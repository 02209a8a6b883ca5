/**
 * The e2e suite needs a Docker engine and both Compose versions. It fails loudly without
 * them: a skipped end-to-end suite would hide exactly the failures it exists to catch.
 * (`npm test` runs scripts/test-env.sh first, which provides all of it.)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { CLI } from './stack.js';

export default function setup(): void {
  const need = (what: string, command: string, args: string[]) => {
    try {
      execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      throw new Error(`e2e suite: ${what} is not available (\`${command} ${args.join(' ')}\` failed). Run \`bash scripts/test-env.sh\` (as root) or \`npm test\`, which does.`);
    }
  };
  need('a Docker engine', 'docker', ['info']);
  need('Compose v2', 'docker', ['compose', 'version']);
  need('docker-compose 1.x', 'docker-compose', ['version']);
  if (!fs.existsSync(CLI)) throw new Error(`e2e suite: ${CLI} is missing; run \`npm run build\` first (npm test does)`);
}
