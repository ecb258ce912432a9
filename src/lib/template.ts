/** `@@NAME@@` in a script of assets/: a value from the node contract or the model, filled in by a render. */
const PLACEHOLDER = /@@([A-Z][A-Z0-9_]*)@@/g;

/**
 * The template with every placeholder replaced by its value. A placeholder without a value is a bug (a
 * script names a fact the TypeScript side does not provide), so it throws rather than leave it in a seed.
 */
export function fillTemplate(name: string, text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}: no value for @@${key}@@`);
    return value;
  });
}

/** The placeholder names a template uses, sorted. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}
