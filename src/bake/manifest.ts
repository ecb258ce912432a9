import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import type { Role } from '../spec/types.js';

/** One baked image, as DIR/images/manifest.json records it. */
export interface ImageRecord {
  role: Role;
  flavor: string;
  path: string;
  size_bytes: number;
  sha256: string;
  packages: Record<string, string>;
  timings_s: Record<string, number>;
  built_at: string;
  packer: string;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The image's packages from package-versions.sh (name<TAB>version lines); none when the file is missing. */
export function readPackages(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t') as [string, string]),
  );
}

/** The image file named by Packer's manifest post-processor (the last build's .qcow2 artifact). */
export function imageFromManifest(path: string): string {
  const m = JSON.parse(readFileSync(path, 'utf8')) as { builds?: { files?: { name: string }[] }[] };
  const file = m.builds?.at(-1)?.files?.find((f) => f.name.endsWith('.qcow2'));
  if (!file) throw new ToolError(`Packer's manifest ${path} names no .qcow2 image`);
  return file.name;
}

/** DIR/images/manifest.json: the records of this bake over those of earlier bakes of other roles. */
export function writeManifest(imagesDir: string, records: ImageRecord[]): void {
  const path = join(imagesDir, 'manifest.json');
  const existing = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { images?: Record<string, ImageRecord> }) : {};
  const images = { ...(existing.images ?? {}), ...Object.fromEntries(records.map((r) => [r.role, r])) };
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ images }, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
