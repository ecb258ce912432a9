import { loadSpecRules } from '../io/package-data.js';
import { prepareSpec, type Prepared } from '../model/prepare.js';
import { loadSpec } from '../spec/load.js';

/** The spec file (or the built-in default) → the validated model; every error of the spec at once as a UserError. */
export function prepare(specPath: string | undefined): Prepared {
  const loaded = loadSpec(specPath);
  return prepareSpec(loaded.raw, loaded.source, loadSpecRules(), loaded.path);
}
