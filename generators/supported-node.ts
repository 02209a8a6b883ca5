/**
 * Imported first by each generator (and the bin): ES modules run their imports in order, so this
 * check runs before yeoman-generator's code does. `yo django-static` on an old Node then ends
 * with one line naming the Node needed, instead of a stack trace from inside Yeoman.
 */
import { exitOnUnsupportedNode } from '../lib/supported-node.js';

exitOnUnsupportedNode();
