/**
 * Every feature, in the order the stack file lists their services and volumes. A new database
 * or process is one file in this folder and one row here.
 */
import type { Feature } from '../service.js';
import { app } from './app.js';
import { backup } from './backup.js';
import { collectstatic } from './collectstatic.js';
import { media } from './media.js';
import { migrate } from './migrate.js';
import { nginx } from './nginx.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import { sqlite } from './sqlite.js';
import { tls } from './tls.js';
import { workers } from './workers.js';

export const FEATURES: readonly Feature[] = [collectstatic, migrate, app, workers, nginx, media, sqlite, postgres, redis, backup, tls];
