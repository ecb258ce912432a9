/**
 * systemd calendar events (OnCalendar=, systemd.time(7)): `[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]]
 * [TIMEZONE]` or a shorthand such as `daily`. Each number may be `*`, a list (`1,3`), a range (`1..5`) or a
 * repetition (`0/15`); `~` counts days from the end of the month. This check refuses what systemd would refuse
 * at the node's first boot (the system suite compares it with `systemd-analyze calendar`), so that a timer
 * never silently fails to load.
 */

const SHORTHANDS = new Set(['minutely', 'hourly', 'daily', 'weekly', 'monthly', 'yearly', 'annually', 'quarterly', 'semiannually']);
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function weekday(word: string): boolean {
  const w = word.toLowerCase();
  return WEEKDAYS.some((d) => w === d || w === d.slice(0, 3));
}

/** Weekdays: names (Mon or Monday) in a list, with ranges written `..` or `-`. */
function weekdays(token: string): string | undefined {
  for (const item of token.split(',')) {
    const ends = item.includes('..') ? item.split('..') : item.split('-');
    if (ends.length > 2 || !ends.every(weekday)) return `${item} is not a weekday or a range of weekdays (Mon, Mon..Fri)`;
  }
  return undefined;
}

/** One component (a number, `*`, lists, ranges, repetitions) within min..max. */
function component(text: string, what: string, min: number, max: number, fraction = false): string | undefined {
  const number = fraction ? '\\d+(?:\\.\\d{1,6})?' : '\\d+';
  const item = new RegExp(`^(\\*|${number})(?:\\.\\.(${number}))?(?:/(${number}))?$`);
  for (const part of text.split(',')) {
    const m = item.exec(part);
    if (!m) return `${what} ${part} is not a number, *, a list, a range (a..b) or a repetition (a/b)`;
    if (m[1] === '*' && m[2] !== undefined) return `${what} ${part}: a range cannot start at *`;
    for (const v of [m[1], m[2]]) {
      if (v === undefined || v === '*') continue;
      if (Number(v) < min || Number(v) > max) return `${what} ${v} is outside ${min}..${max}`;
    }
    if (m[3] !== undefined && Number(m[3]) <= 0) return `${what} ${part}: the repetition must be above 0`;
  }
  return undefined;
}

function date(token: string): string | undefined {
  const m = /^(?:([^-~]+)-)?([^-~]+)([-~])([^-~]+)$/.exec(token);
  if (!m) return `${token} is not a date (YEAR-MONTH-DAY or MONTH-DAY)`;
  const [, year, month, , day] = m;
  if (year !== undefined) {
    const problem = year.length <= 2 && /^\d+$/.test(year) ? undefined : component(year, 'year', 1970, 2199);
    if (problem) return problem;
  }
  return component(month!, 'month', 1, 12) ?? component(day!, 'day', 1, 31);
}

function time(token: string): string | undefined {
  const parts = token.split(':');
  if (parts.length < 2 || parts.length > 3) return `${token} is not a time (HOUR:MINUTE or HOUR:MINUTE:SECOND)`;
  return component(parts[0]!, 'hour', 0, 23) ?? component(parts[1]!, 'minute', 0, 59) ?? (parts[2] === undefined ? undefined : component(parts[2], 'second', 0, 59, true));
}

const TIMEZONE = /^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/;

/** Why `expr` is not a calendar event systemd accepts, or undefined when it is one. */
export function calendarProblem(expr: string): string | undefined {
  if (/[^\x20-\x7e]/.test(expr)) return 'holds a character other than printable ASCII and spaces';
  const tokens = expr.trim().split(/ +/).filter(Boolean);
  if (tokens.length === 0) return 'is empty';
  if (tokens.length === 1 && SHORTHANDS.has(tokens[0]!)) return undefined;
  if (tokens.length > 1 && TIMEZONE.test(tokens[tokens.length - 1]!)) tokens.pop();
  if (tokens.length > 0 && /^[A-Za-z]/.test(tokens[0]!)) {
    const problem = weekdays(tokens.shift()!);
    if (problem) return problem;
  }
  if (tokens.length > 2) return `${tokens.join(' ')}: after the weekdays come at most a date and a time`;
  const [first, second] = tokens;
  if (second !== undefined) return date(first!) ?? time(second);
  if (first === undefined) return undefined;
  return first.includes(':') ? time(first) : date(first);
}
