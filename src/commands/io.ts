import { formatDiagnostic, type Diagnostic } from '../spec/diagnostic.js';

/** Where a command prints and what environment it reads: the process's in bin.ts, captured in tests. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

export const STDIO: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

export function printWarnings(io: Io, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) if (d.severity === 'warning') io.err(formatDiagnostic(d));
}
