/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, bug: 1, user: 2, tool: 3, degraded: 4, unreachable: 5, interrupted: 130 } as const;

/** A problem with the user's input: printed without a stack, exit code 2. */
export class UserError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'UserError';
  }
}

/** An external program failed or is missing: its output tail is printed, exit code 3. */
export class ToolError extends Error {
  constructor(message: string, readonly outputTail = '') {
    super(message);
    this.name = 'ToolError';
  }
}

/** The user interrupted a long run (Ctrl-C during a bake): exit code 130. */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/** The running cluster is not in a state for the change asked (pgha switchover on a degraded cluster): exit code 4. */
export class ClusterRefused extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'ClusterRefused';
  }
}

/** The system refused a file operation pgha needed (a read-only or full file system, a busy mount point): exit code 3. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

const REASONS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'the file system is full',
  EDQUOT: 'the disk quota is used up',
  EBUSY: 'it is busy (a mount point cannot be replaced)',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EIO: 'an input/output error',
  ENAMETOOLONG: 'the name is too long',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it exists',
};

/**
 * What a failed file operation on `path` means for the user: a bad path (exit 2) or the system's refusal
 * (exit 3), in one line naming the path; anything else is a bug and is rethrown as it is.
 */
export function fileError(e: unknown, path: string, doing: string): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason === undefined) return e as Error;
  const message = `${path}: cannot ${doing}: ${reason} (${code})`;
  return ['ENAMETOOLONG', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST'].includes(code!) ? new UserError(message) : new EnvironmentError(message);
}
