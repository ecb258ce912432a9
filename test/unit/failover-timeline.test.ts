/** The failover timelines of npm run bench:cluster (scripts/failover-timeline.ts), drawn from synthetic failovers. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MARKS, timelineSpec, writeTimelines, type FailoverObservation } from '../../scripts/failover-timeline.js';

const KILL = Date.UTC(2026, 0, 1);
/** One write every 100 ms from 5 s before the kill to 10 s after the first write, none in between. */
function failover(ms: { lock: number; promoted: number; vip?: number; first: number }): FailoverObservation {
  const acks = Array.from({ length: 150 + ms.first / 100 }, (_, i) => KILL - 5000 + i * 100).filter((t) => t < KILL || t >= KILL + ms.first);
  return { killedAt: KILL, lockExpiredAt: KILL + ms.lock, promotedAt: KILL + ms.promoted, ...(ms.vip ? { vipMovedAt: KILL + ms.vip } : {}), firstWriteAt: KILL + ms.first, acks };
}

/** Every element named `name` in the parsed SVG, with the class of the group it is in. */
function elements(node: unknown, name: string, group = ''): { cls: string; el: Record<string, unknown> }[] {
  if (Array.isArray(node)) return node.flatMap((n) => elements(n, name, group));
  if (node === null || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const cls = typeof o['@_class'] === 'string' ? (o['@_class'] as string) : group;
  return Object.entries(o).flatMap(([k, v]) => [
    ...(k === name ? (Array.isArray(v) ? v : [v]).map((el) => ({ cls, el: el as Record<string, unknown> })) : []),
    ...(k.startsWith('@_') ? [] : elements(v, name, cls)),
  ]);
}

test('one SVG per fault: valid XML, each run a row, every mark drawn as a rule in its colour and labelled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-timeline-'));
  try {
    const [path, ...more] = await writeTimelines(dir, [
      { label: "pgha's defaults", observations: [failover({ lock: 6000, promoted: 7500, vip: 1200, first: 8600 })] },
      { label: "the reference's timings", observations: [failover({ lock: 28000, promoted: 31000, first: 33000 })] },
    ]);
    assert.equal([path, more], [join(dir, 'failover-kill-1.svg'), []]);
    const svg = readFileSync(path!, 'utf8');
    assert.is(XMLValidator.validate(svg), true);
    const doc = new XMLParser({ ignoreAttributes: false, textNodeName: '#text' }).parse(svg) as { svg: unknown };
    assert.ok(doc.svg, 'an svg document');
    const texts = elements(doc.svg, 'text').map(({ cls, el }) => ({ cls, text: String(el['#text'] ?? '') }));
    for (const t of ["pgha's defaults", "the reference's timings", 'seconds since the kill', 'Leader kill 1: writes acknowledged through the VIP']) {
      assert.ok(texts.some((x) => x.text === t), t);
    }
    const labels = texts.filter((x) => /labels_\d+_marks/.test(x.cls)).map((x) => x.text);
    assert.equal(labels, [...MARKS.map((m) => m.label), ...MARKS.filter((m) => m.key !== 'vipMovedAt').map((m) => m.label)], 'the VIP did not move in the second run');
    const rules = elements(doc.svg, 'line').filter(({ cls }) => /events_\d+_marks/.test(cls)).map(({ el }) => el['@_stroke']);
    assert.equal(rules, [...MARKS.map((m) => m.color), ...MARKS.filter((m) => m.key !== 'vipMovedAt').map((m) => m.color)]);
    const bars = elements(doc.svg, 'path').filter(({ cls }) => /writes_\d+_marks/.test(cls));
    assert.ok(bars.length > 50, `${bars.length} bars of acknowledged writes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the time axis: from 3 s before the kill to 3 s after the last first write, shared by the rows; writes binned per 100 ms', () => {
  const spec = timelineSpec('t', [{ label: 'a', observation: failover({ lock: 1000, promoted: 2000, first: 2500 }) }]) as unknown as {
    datasets: Record<string, { t: number; writes?: number }[]>;
    vconcat: { layer: { encoding: { x: { scale: { domain: number[] } } } }[] }[];
  };
  assert.equal(spec.vconcat[0]!.layer[0]!.encoding.x.scale.domain, [-3, 5.5]);
  const bins = spec.datasets.writes_0!;
  assert.ok(bins.length === 30 + 30 && bins.every((b) => b.writes === 1 && (b.t < 0 || b.t >= 2.5)), 'one write per bin, none in the gap');
  assert.equal(spec.datasets.events_0!.map((m) => m.t), [0, 1, 2, 2.5]);
});

test.run();
