import { printWarnings, type Io } from './io.js';
import { prepare } from './load.js';
import { diagnosticJson, type CommandResult } from './result.js';

/** pgha validate: every problem of the spec at once (a SpecError), or its node counts and warnings. */
export function validate(spec: string | undefined, io: Io): CommandResult {
  const { model, warnings, source, specPath } = prepare(spec);
  printWarnings(io, warnings);
  const nodes = { etcd: model.etcdNodes.length, postgres: model.postgresNodes.length };
  return {
    json: { spec: specPath ?? null, valid: true, nodes, diagnostics: warnings.map(diagnosticJson) },
    lines: [`${source}: valid (${nodes.etcd} etcd, ${nodes.postgres} postgres nodes)`],
  };
}
