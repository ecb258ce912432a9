import { SpecError, type Diagnostic } from '../spec/diagnostic.js';
import { validateSpec, type SpecRules } from '../spec/validate.js';
import { buildModel, type ClusterModel } from './model.js';

export interface Prepared {
  model: ClusterModel;
  warnings: Diagnostic[];
  /** For messages: the spec file, or "built-in default spec". */
  source: string;
  /** The spec file; absent for the built-in default. */
  specPath?: string;
}

/** Parsed spec data → validated model; every problem of the spec at once as a SpecError (a UserError). */
export function prepareSpec(raw: unknown, source: string, rules: SpecRules, specPath?: string): Prepared {
  const { spec, diagnostics } = validateSpec(raw, rules);
  if (!spec) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    throw new SpecError(`${source}: ${errors.length} problem(s) to fix`, diagnostics);
  }
  return { model: buildModel(spec, rules.flavors), warnings: diagnostics, source, ...(specPath ? { specPath } : {}) };
}
