#!/usr/bin/env node
/**
 * `npx generator-django-static [check|doctor] [options]`. The Node check comes first, in this
 * small file left unbundled: the bundle (bin/run.ts, see scripts/bundle-cli.mjs) carries Yeoman's
 * code, which an older Node cannot even load.
 */
import { exitOnUnsupportedNode } from '../lib/supported-node.js';

exitOnUnsupportedNode();
await import('./run.js');
