/** The Python the release code runs inside app images (Django is there, not here), with the record's field names. */
import { RECORD_FIELDS } from './record.js';

/** The migrations on disk (MigrationLoader without a connection: the code's own list, no database needed). */
const MIGRATION_NAMES = 'names = sorted("%s.%s" % key for key in MigrationLoader(None, ignore_no_migrations=True).disk_migrations)';

/**
 * Run in the app container: sha256 of the static manifest the storage reads, and the migrations on disk.
 */
export const PROBE_PYTHON = [
  'import hashlib, json, django',
  'django.setup()',
  'from django.contrib.staticfiles.storage import staticfiles_storage as storage',
  'from django.db.migrations.loader import MigrationLoader',
  'try:',
  '    with storage.open(storage.manifest_name) as manifest: digest = hashlib.sha256(manifest.read()).hexdigest()',
  'except (AttributeError, OSError): digest = None',
  MIGRATION_NAMES,
  `print(json.dumps({${JSON.stringify(RECORD_FIELDS.manifest)}: digest, ${JSON.stringify(RECORD_FIELDS.migrations)}: names}))`,
].join('\n');

/** The migrations an image holds, one app_label.name a line: swarm.sh runs it in each release's app image (no single quote: it is quoted for sh). */
export const MIGRATIONS_PYTHON = ['import django', 'django.setup()', 'from django.db.migrations.loader import MigrationLoader', MIGRATION_NAMES, 'print("\\n".join(names))'].join('\n');
