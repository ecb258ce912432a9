import { codePoint, forbiddenCharacter } from '../lib/text.js';
import type { Diagnostic } from './diagnostic.js';
import type { Spec } from './types.js';

/** The free-text fields of a spec (the schema's patterns hold the others to plain names, numbers and addresses). */
function freeText(spec: Spec): [string, string, string][] {
  return [
    ...Object.entries(spec.postgres?.parameters ?? {})
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]): [string, string, string] => [`postgres.parameters.${k}`, v as string, 'PostgreSQL\'s configuration']),
    ...(spec.admin?.sshAuthorizedKeys ?? []).map((k, i): [string, string, string] => [`admin.sshAuthorizedKeys[${i}]`, k, 'an authorized_keys line']),
    ...(spec.launch?.poolDir === undefined ? [] : [['launch.poolDir', spec.launch.poolDir, 'a path in the launch scripts'] as [string, string, string]]),
  ];
}

export function checkText(spec: Spec, out: Diagnostic[]): void {
  for (const [path, value, reader] of freeText(spec)) {
    const bad = forbiddenCharacter(value);
    if (bad) {
      out.push({
        severity: 'error',
        path,
        message: `holds ${codePoint(bad.code)} (a control, separator or non-character) at position ${bad.at}, which ${reader} and the YAML 1.1 reader of cloud-init cannot carry as written: remove it`,
      });
    }
  }
}
