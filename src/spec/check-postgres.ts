import type { Flavor } from '../model/flavors.js';
import { parseCidr } from '../model/net.js';
import type { Diagnostic } from './diagnostic.js';
import { knownParameters, PARAMETER_LIST_VERSION, PATRONI_MANAGED, PGHA_MANAGED, suggestParameter } from './pg-parameters.js';
import type { Spec } from './types.js';

/** PostgreSQL parameters (misspelt, unknown, managed by Patroni or pgha), extra users and client networks. */
export function checkPostgres(spec: Spec, flavor: Flavor, out: Diagnostic[]): void {
  const version = spec.postgres?.version ?? flavor.postgresVersion;
  const known = knownParameters(version);
  const knownLower = new Map([...known].map((k) => [k.toLowerCase(), k]));
  for (const name of Object.keys(spec.postgres?.parameters ?? {})) {
    const path = `postgres.parameters.${name}`;
    if (name.includes('.')) continue;
    const canonical = knownLower.get(name.toLowerCase());
    if (canonical && PGHA_MANAGED.has(canonical)) {
      out.push({ severity: 'error', path, message: 'is set by pgha (TLS with the cluster\'s certificates, see tls): remove it' });
      continue;
    }
    if (canonical && PATRONI_MANAGED.has(canonical)) {
      out.push({ severity: 'warning', path, message: 'is set by Patroni from its own configuration; this value is ignored' });
      continue;
    }
    if (canonical) continue;
    const suggested = suggestParameter(name.toLowerCase(), new Set(knownLower.keys()));
    const suggestion = suggested && (knownLower.get(suggested) ?? suggested);
    if (suggestion && version <= PARAMETER_LIST_VERSION) {
      out.push({ severity: 'error', path, message: `is not a PostgreSQL ${version} parameter: did you mean ${suggestion}?` });
    } else if (suggestion) {
      out.push({ severity: 'warning', path, message: `is not a known parameter (pgha's list ends at PostgreSQL ${PARAMETER_LIST_VERSION}): did you mean ${suggestion}?` });
    } else {
      out.push({
        severity: 'warning',
        path,
        message: `is not a PostgreSQL ${version} parameter; Patroni will drop it unless an extension defines it`,
      });
    }
  }
  const reserved = new Set(['postgres', 'replicator', 'rewind']);
  const seen = new Set<string>();
  (spec.postgres?.users ?? []).forEach((u, i) => {
    const path = `postgres.users[${i}].name`;
    if (reserved.has(u.name)) out.push({ severity: 'error', path, message: `${u.name} is reserved for Patroni: choose another name` });
    if (seen.has(u.name)) out.push({ severity: 'error', path, message: `duplicate user ${u.name}` });
    seen.add(u.name);
    const opts = new Set(u.options ?? []);
    if (opts.has('login') && opts.has('nologin')) {
      out.push({ severity: 'error', path: `postgres.users[${i}].options`, message: 'has both login and nologin: keep one' });
    }
  });
  (spec.postgres?.clientNetworks ?? []).forEach((c, i) => {
    const parsed = parseCidr(c);
    if ('error' in parsed) {
      out.push({ severity: 'error', path: `postgres.clientNetworks[${i}]`, message: `is not a valid subnet: ${parsed.error}` });
    }
  });
}
