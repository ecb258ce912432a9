/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, bug: 1, user: 2, tool: 3, interrupted: 130 } as const;

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
