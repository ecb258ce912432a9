import { loadSpecRules } from '../io/package-data.js';
import { prepareSpec, type Prepared } from '../model/prepare.js';
import { SpecError } from '../spec/diagnostic.js';
import { loadSpec } from '../spec/load.js';
import { locate } from '../spec/positions.js';

/**
 * Spec data → the validated model; every problem at once as a SpecError. With the spec file's text, each
 * diagnostic carries the line and column of its spec path.
 */
export function prepareData(raw: unknown, source: string, specPath?: string, text?: string): Prepared {
  let prepared: Prepared;
  try {
    prepared = prepareSpec(raw, source, loadSpecRules(), specPath);
  } catch (e) {
    if (e instanceof SpecError && text !== undefined) throw new SpecError(e.message, locate(text, e.diagnostics), e.details);
    throw e;
  }
  return text !== undefined && prepared.warnings.length > 0 ? { ...prepared, warnings: locate(text, prepared.warnings) } : prepared;
}

/** The spec file (or the built-in default) → the validated model; every error of the spec at once as a UserError. */
export function prepare(specPath: string | undefined): Prepared {
  const loaded = loadSpec(specPath);
  return prepareData(loaded.raw, loaded.source, loaded.path, loaded.text);
}
