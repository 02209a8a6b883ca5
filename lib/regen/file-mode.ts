/**
 * Which mode a written file gets. A mode is not content: a project file that is group-writable
 * (umask 002, the default for users on Debian and Ubuntu) keeps its mode, and never makes the
 * conflicter see a change. A generated file that needs a mode (an executable script, a secrets
 * file) gets it only when the file on disk does not already satisfy it.
 */

/** Permission bits only (no file-type bits), as chmod takes them. */
export const permissionBits = (mode: number): number => mode & 0o7777;

/**
 * The permission bits to write, or undefined for "the default" (a new file: the umask decides).
 * - nothing wanted: the file on disk keeps its mode;
 * - wanted, nothing on disk: the wanted mode;
 * - wanted and on disk: the disk's mode when it grants every wanted bit and, for a private file
 *   (nothing wanted for group and others), nothing to them; else the wanted mode.
 */
export function modeToWrite(onDisk: number | undefined, wanted: number | undefined): number | undefined {
  const disk = onDisk === undefined ? undefined : permissionBits(onDisk);
  if (wanted === undefined) return disk;
  if (disk === undefined) return wanted;
  const grantsWanted = (disk & wanted) === wanted;
  const privateKept = (wanted & 0o077) !== 0 || (disk & 0o077) === 0;
  return grantsWanted && privateKept ? disk : wanted;
}
