import { printWarnings, type Io } from './io.js';
import { prepare } from './load.js';

/** pgha validate: every problem of the spec at once (a UserError), or its node counts. */
export function validate(spec: string | undefined, io: Io): void {
  const { model, warnings, source } = prepare(spec);
  printWarnings(io, warnings);
  io.out(`${source}: valid (${model.etcdNodes.length} etcd, ${model.postgresNodes.length} postgres nodes)`);
}
