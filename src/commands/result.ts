import { ClusterRefused, EnvironmentError, EXIT, Interrupted, ToolError, UserError } from '../errors.js';
import { SpecError, splitHint, type Diagnostic } from '../spec/diagnostic.js';
import type { Io } from './io.js';

/**
 * What a command did, returned to the one place that prints it (src/cli.ts): for a person, lines on
 * stdout; with --json, one JSON document on stdout. Errors and warnings go to stderr as they happen, in
 * both forms.
 */
export interface CommandResult {
  /** The --json document's fields (the printer adds `command` and `ok`). */
  json: Record<string, unknown>;
  /** The same for a person. */
  lines: string[];
  /** Not 0 when the command ran but found a problem (pgha status: degraded, unreachable). */
  exitCode?: number;
}

/** A command that failed: its exit code, its lines for stderr, and what --json adds. */
export interface Failure {
  exitCode: number;
  lines: string[];
  json: Record<string, unknown>;
}

/** A diagnostic as --json gives it: the message's fix as `hint`, the spec file's line and column when known. */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const { message, hint } = splitHint(d.message);
  return {
    severity: d.severity,
    path: d.path,
    message,
    ...(hint !== undefined ? { hint } : {}),
    ...(d.line !== undefined ? { line: d.line, column: d.column } : {}),
  };
}

/** What an error means for the user: its exit code, its lines on stderr, and the --json document's fields. */
export function failure(e: unknown): Failure {
  const doc = (error: string, details: string[] = []) => ({ error, ...(details.length ? { details } : {}) });
  if (e instanceof UserError) {
    return {
      exitCode: EXIT.user,
      lines: [`pgha: ${e.message}`, ...e.details.map((d) => `  ${d}`)],
      json: { ...doc(e.message, e.details), ...(e instanceof SpecError ? { diagnostics: e.diagnostics.map(diagnosticJson) } : {}) },
    };
  }
  if (e instanceof Interrupted) return { exitCode: EXIT.interrupted, lines: [`pgha: ${e.message}; no image was left under its final name`], json: doc(e.message) };
  if (e instanceof ToolError) {
    return { exitCode: EXIT.tool, lines: [`pgha: ${e.message}`, ...(e.outputTail ? [e.outputTail] : [])], json: doc(e.message, e.outputTail ? e.outputTail.split('\n') : []) };
  }
  if (e instanceof ClusterRefused) return { exitCode: EXIT.degraded, lines: [`pgha: ${e.message}`, ...e.details.map((d) => `  ${d}`)], json: doc(e.message, e.details) };
  if (e instanceof EnvironmentError) return { exitCode: EXIT.tool, lines: [`pgha: ${e.message}`], json: doc(e.message) };
  if (e instanceof Error && e.name === 'CACError') return { exitCode: EXIT.user, lines: [`pgha: ${e.message}: run pgha --help`], json: doc(e.message) };
  const stack = e instanceof Error ? e.stack : String(e);
  return { exitCode: EXIT.bug, lines: [`pgha: internal error (a bug; please report it):\n${stack}`], json: doc(`internal error: ${e instanceof Error ? e.message : String(e)}`) };
}

/** With --json, what a command prints on stdout as it goes (progress) goes to stderr: stdout holds the one document. */
export function commandIo(io: Io, json: () => boolean): Io {
  return { out: (line) => (json() ? io.err : io.out)(line), err: io.err, env: io.env };
}

export function printResult(io: Io, command: string, result: CommandResult, json: boolean): void {
  const exitCode = result.exitCode ?? 0;
  if (json) io.out(JSON.stringify({ command, ok: exitCode === 0, ...(exitCode !== 0 ? { exitCode } : {}), ...result.json }, null, 2));
  else result.lines.forEach((l) => io.out(l));
}

export function printFailure(io: Io, command: string | undefined, failure: Failure, json: boolean): void {
  failure.lines.forEach((l) => io.err(l));
  if (json) io.out(JSON.stringify({ ...(command ? { command } : {}), ok: false, exitCode: failure.exitCode, ...failure.json }, null, 2));
}
