/**
 * Folders a search of the project never enters: installed packages, build output and collected
 * or uploaded files hold no project code (dot-folders are skipped by name as well).
 */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', 'venv', 'env', '__pycache__', 'site-packages', 'dist', 'build', 'static', 'staticfiles', 'media']);
