import { UserError } from '../errors.js';

export type Severity = 'error' | 'warning';

/** One problem of a spec. */
export interface Diagnostic {
  severity: Severity;
  /** Where in the spec, e.g. `nodes[2].ip`; empty for the whole spec. */
  path: string;
  message: string;
  /** Where in the spec file (1-based), when known: the YAML node at `path`, or the syntax error. */
  line?: number;
  column?: number;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.severity}: [${d.path || '(spec)'}] ${d.message}`;
}

/** Where the fix of a pgha message starts: ": " or "; " before an instruction ("…: use an odd number", "…: did you mean …?"). */
const FIX = /[:;] (?=(?:add|remove|use|give|set|raise|lower|choose|keep|fix|install|pass|shorten|run|edit|replace|did you mean)\b)/;

/**
 * A message split into the problem and its fix. pgha writes every message as "what is wrong: what to do"
 * (or "…; what to do"); the hint is everything from the first clause that starts with an instruction.
 * Messages with no instruction have no hint.
 */
export function splitHint(message: string): { message: string; hint?: string } {
  const at = message.search(FIX);
  return at < 0 ? { message } : { message: message.slice(0, at), hint: message.slice(at + 2) };
}

/** A spec pgha cannot use: the problems as diagnostics (for --json), as lines for the terminal in `details`. */
export class SpecError extends UserError {
  constructor(message: string, readonly diagnostics: Diagnostic[], details: string[] = diagnostics.map(formatDiagnostic)) {
    super(message, details);
    this.name = 'SpecError';
  }
}
