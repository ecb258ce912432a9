export type Severity = 'error' | 'warning';

/** One problem of a spec. */
export interface Diagnostic {
  severity: Severity;
  /** Where in the spec, e.g. `nodes[2].ip`; empty for the whole spec. */
  path: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.severity}: [${d.path || '(spec)'}] ${d.message}`;
}
