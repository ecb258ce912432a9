import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { calendarProblem } from '../../../src/lib/calendar.js';
import { packagePath } from '../../../src/paths.js';

/** The same lists go to systemd-analyze calendar in the system suite (config-checks.test.ts). */
const events = JSON.parse(readFileSync(packagePath('test', 'fixtures', 'calendar.json'), 'utf8')) as { accepted: string[]; refused: string[] };

test('calendar events systemd accepts pass; what it refuses is refused, with a reason', () => {
  for (const e of events.accepted) assert.is(calendarProblem(e), undefined, e);
  for (const e of events.refused) assert.type(calendarProblem(e), 'string', JSON.stringify(e));
  assert.match(calendarProblem('25:00')!, /hour 25 is outside 0\.\.23/);
  assert.match(calendarProblem('Funday 01:00')!, /Funday is not a weekday/);
  assert.match(calendarProblem('01:00\n[Service]')!, /printable ASCII/, 'a newline would add lines to the timer unit');
});

test.run();
