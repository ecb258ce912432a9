/**
 * One file pgha writes: into the output folder (path relative to it), or onto a node through cloud-init's
 * write_files (absolute path, with its owner). The code that makes a file sets its path, mode and owner.
 */
export interface FileEntry {
  path: string;
  content: string;
  mode: number;
  /** user:group on the node; absent for files of the output folder. */
  owner?: string;
  /** The data a YAML document serialises, for checks of its content that need not parse it again. */
  data?: unknown;
}

/** A mode as cloud-init's write_files and install(1) spell it: 0644. */
export function octalMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
