import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IsoTool } from '../io/iso.js';
import { octalMode, type FileEntry } from '../lib/file.js';
import type { PackerTarget } from '../render/packer.js';
import type { Diagnostic } from '../spec/diagnostic.js';
import { diagnosticJson, type CommandResult } from './result.js';

/** Where a render's secrets came from: a new file, a file completed or reused, or only the PGHA_SECRET_* variables. */
export type SecretsState = 'generated' | 'updated' | 'reused' | 'environment';

/** One file of the output folder: its path under it, mode and SHA-256. */
export interface WrittenFile {
  path: string;
  mode: string;
  sha256: string;
}

/** What a render (render, replace, add, certs renew) wrote, for the command's result. No secret value is in it. */
export interface ClusterReport {
  out: string;
  nodes: number;
  files: WrittenFile[];
  isoTool?: IsoTool;
  packerTarget: PackerTarget;
  /** Names of the certificates issued by this render. */
  issued: string[];
  secrets: { file?: string; state: SecretsState };
  /** The spec's warnings, and the render's own (a secrets file others can read, a certificate ending soon). */
  diagnostics: Diagnostic[];
  warnings: string[];
  notes: string[];
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The rendered files as written, and the files made from them in the output folder (seed ISOs), read back. */
export function writtenFiles(out: string, files: FileEntry[], made: string[]): WrittenFile[] {
  return [
    ...files.map((f) => ({ path: f.path, mode: octalMode(f.mode), sha256: sha256(f.content) })),
    ...made.map((path) => ({ path, mode: octalMode(statSync(join(out, path)).mode & 0o777), sha256: sha256(readFileSync(join(out, path))) })),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
}

function secretsLine(s: ClusterReport['secrets']): string {
  if (s.state === 'environment') return 'secrets from the PGHA_SECRET_* environment variables (no secrets file written)';
  return `${s.state} secrets: ${s.file}`;
}

/** A render's result: the human lines, and the --json document (`extra` adds a command's own fields and lines). */
export function clusterResult(r: ClusterReport, extra: { json?: Record<string, unknown>; lines?: string[] } = {}): CommandResult {
  return {
    json: {
      out: r.out,
      files: r.files,
      packer: r.packerTarget,
      isoTool: r.isoTool ?? null,
      certificatesIssued: r.issued,
      secrets: { file: r.secrets.file ?? null, state: r.secrets.state },
      diagnostics: r.diagnostics.map(diagnosticJson),
      warnings: r.warnings,
      notes: r.notes,
      ...extra.json,
    },
    lines: [
      `wrote ${r.nodes} node seeds${r.isoTool ? ` and seed ISOs (${r.isoTool})` : ''} to ${r.out}/nodes/, launch scripts to ${r.out}/launch/`,
      `wrote Packer templates (${r.packerTarget === 'modern' ? 'Packer >= 1.7' : 'Packer 1.6 compatible'}) to ${r.out}/packer/`,
      ...(r.issued.length > 0 ? [`issued ${r.issued.join(', ')}`] : []),
      secretsLine(r.secrets),
      ...(extra.lines ?? []),
    ],
  };
}
