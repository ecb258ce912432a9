import { flavorNamed, type FlavorTable } from '../model/flavors.js';
import { checkBackup } from './check-backup.js';
import { checkAddresses, checkDuplicates, checkNetwork, checkTimings, checkTopology } from './checks.js';
import { checkPostgres } from './check-postgres.js';
import { checkAdmin, checkHaproxy } from './check-services.js';
import { checkText } from './check-text.js';
import type { Diagnostic } from './diagnostic.js';
import { DEFAULTS } from './field-defaults.js';
import type { Spec } from './types.js';

/** One JSON Schema violation, as Ajv reports it (only the fields the messages use). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** What validation needs besides the spec: the compiled spec schema (schema/pgha-spec.schema.json) and the flavours. */
export interface SpecRules {
  /** The schema's errors for the data, none when it conforms. */
  schemaErrors: (raw: unknown) => SchemaError[];
  flavors: FlavorTable;
}

/** `/nodes/2/ip` → `nodes[2].ip` */
export function specPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function schemaDiagnostic(e: SchemaError): Diagnostic {
  const path = specPath(e.instancePath);
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return { severity: 'error', path: join(path, String(p.missingProperty)), message: 'is required: add it' };
    case 'additionalProperties':
      return {
        severity: 'error',
        path: join(path, String(p.additionalProperty)),
        message: 'is not a known field: remove it or fix its spelling (see schema/pgha-spec.schema.json)',
      };
    case 'enum':
      return {
        severity: 'error',
        path,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'propertyNames':
      return { severity: 'error', path: join(path, String(p.propertyName)), message: 'is not a valid name' };
    case 'pattern':
      return { severity: 'error', path, message: `has the wrong form (must match ${String(p.pattern)})` };
    case 'format':
      return { severity: 'error', path, message: `must be an ${String(p.format)} address like 192.168.1.10` };
    default:
      return { severity: 'error', path, message: e.message ?? 'is invalid' };
  }
}

export interface ValidationResult {
  spec?: Spec;
  diagnostics: Diagnostic[];
}

/** Every problem of the spec, with its path; `spec` is set only when there is no error. */
export function validateSpec(raw: unknown, rules: SpecRules): ValidationResult {
  const schemaErrors = rules.schemaErrors(raw);
  if (schemaErrors.length > 0) return { diagnostics: sortDiagnostics(schemaErrors.map(schemaDiagnostic)) };
  const spec = raw as Spec;
  const flavor = flavorNamed(rules.flavors, spec.cluster.flavor ?? DEFAULTS.flavor);
  const out: Diagnostic[] = [];
  const cidr = checkNetwork(spec, out);
  if (cidr) checkAddresses(spec, cidr, out);
  checkDuplicates(spec, out);
  checkTopology(spec, out);
  checkTimings(spec, flavor, out);
  checkPostgres(spec, flavor, out);
  checkText(spec, out);
  checkHaproxy(spec, out);
  checkAdmin(spec, out);
  checkBackup(spec, out);
  const diagnostics = sortDiagnostics(out);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { spec, diagnostics };
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const k = `${d.severity}|${d.path}|${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
