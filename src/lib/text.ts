/**
 * The characters no free-text field may hold: control characters but the tab (a newline would end a line of
 * postgresql.conf or authorized_keys and start another), DEL, the C1 controls with NEL, the Unicode line and
 * paragraph separators (YAML 1.1 readers such as PyYAML take all three for line breaks), noncharacters and
 * lone surrogates (which PyYAML refuses to read at all). Everything else reaches every reader unchanged.
 * Returns the first such character: its position (in characters) and code point. `newlines` allows line
 * breaks (the YAML writer's multi-line strings are block scalars, which carry them).
 */
export function forbiddenCharacter(text: string, newlines = false): { at: number; code: number } | undefined {
  let at = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const bad =
      (code < 0x20 && code !== 0x09 && !(newlines && code === 0x0a)) ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      (code >= 0xfdd0 && code <= 0xfdef) ||
      (code & 0xfffe) === 0xfffe ||
      (code >= 0xd800 && code <= 0xdfff);
    if (bad) return { at, code };
    at++;
  }
  return undefined;
}

/** U+000A, as Unicode names a code point. */
export function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}


/** One argument for a POSIX shell command line: as it is when it is safe bare, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
