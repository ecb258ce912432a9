/**
 * A failover as a picture, for `npm run bench:cluster`: per killed leader, an SVG timeline of the writes
 * acknowledged through the VIP per 100 ms, with marks for the kill, the leader lock's expiry, the promotion,
 * the VIP's move and the first write after, one row per run (pgha's timings beside the reference's) on one
 * time axis from the kill. Drawn with Vega-Lite, compiled to Vega and rendered to SVG in Node (no browser,
 * no canvas: Vega's own SVG string renderer).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/** What one leader kill looked like: times in ms since the epoch. */
export interface FailoverObservation {
  killedAt: number;
  /** The leader key no longer named the killed leader (its lease expired). */
  lockExpiredAt?: number;
  /** The new leader was seen in Patroni's /cluster. */
  promotedAt?: number;
  /** Another machine held the VIP; absent when the killed one did not hold it. */
  vipMovedAt?: number;
  firstWriteAt?: number;
  /** When each write through the VIP around the kill was acknowledged. */
  acks: number[];
}

/** One row of a timeline: a run's name and its observation of the same fault. */
export interface TimelineRow {
  label: string;
  observation: FailoverObservation;
}

/** The marks, in the order a failover passes them, with their colours. */
export const MARKS = [
  { key: 'killedAt', label: 'kill', color: '#d62728' },
  { key: 'lockExpiredAt', label: 'lock expiry', color: '#ff7f0e' },
  { key: 'promotedAt', label: 'promotion', color: '#2ca02c' },
  { key: 'vipMovedAt', label: 'VIP move', color: '#9467bd' },
  { key: 'firstWriteAt', label: 'first write after', color: '#1f77b4' },
] as const;

const BIN_MS = 100;
const BEFORE_MS = 3000;
const AFTER_MS = 3000;

/** The Vega-Lite spec of a timeline: rows of writes per 100 ms (bars) and the marks (rules with labels), one x axis. */
export function timelineSpec(title: string, rows: TimelineRow[]): vegaLite.TopLevelSpec {
  const ends = rows.flatMap((r) => [r.observation.firstWriteAt, r.observation.promotedAt].filter((t): t is number => t !== undefined).map((t) => t - r.observation.killedAt));
  const domain = [-BEFORE_MS / 1000, (Math.max(0, ...ends) + AFTER_MS) / 1000];
  const bins = rows.flatMap((r) => {
    const counts = new Map<number, number>();
    for (const at of r.observation.acks) {
      const t = Math.floor((at - r.observation.killedAt) / BIN_MS) * BIN_MS;
      if (t >= -BEFORE_MS && (t + BIN_MS) / 1000 <= domain[1]!) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return [...counts].map(([t, n]) => ({ run: r.label, t: t / 1000, t2: (t + BIN_MS) / 1000, writes: n }));
  });
  const marks = rows.flatMap((r) =>
    MARKS.flatMap((m) => {
      const at = r.observation[m.key];
      return at === undefined ? [] : [{ run: r.label, mark: m.label, t: (at - r.observation.killedAt) / 1000 }];
    }),
  );
  const x = { field: 't', type: 'quantitative', scale: { domain }, title: 'seconds since the kill' } as const;
  const y = { field: 'writes', type: 'quantitative', title: 'acks / 100 ms', scale: { domain: [0, Math.max(2, ...bins.map((b) => b.writes))] } } as const;
  const color = { field: 'mark', type: 'nominal', scale: { domain: MARKS.map((m) => m.label), range: MARKS.map((m) => m.color) }, title: null } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    // every name unique: vega-lite looks marks and data up by name across the rows
    datasets: Object.fromEntries(
      rows.flatMap((r, i) => [
        [`writes_${i}`, bins.filter((b) => b.run === r.label)],
        [`events_${i}`, marks.filter((m) => m.run === r.label)],
      ]),
    ),
    vconcat: rows.map((r, i) => ({
      title: { text: r.label, anchor: 'start', fontSize: 12 },
      width: 720,
      height: 110,
      layer: [
        {
          name: `writes_${i}`,
          data: { name: `writes_${i}` },
          mark: { type: 'rect', color: '#7f7f7f' },
          encoding: { x, x2: { field: 't2' }, y },
        },
        {
          name: `events_${i}`,
          data: { name: `events_${i}` },
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: { x, color },
        },
        {
          name: `labels_${i}`,
          data: { name: `events_${i}` },
          mark: { type: 'text', angle: 270, align: 'left', baseline: 'bottom', dy: -3, dx: 4, fontSize: 10, y: 0 },
          encoding: { x, text: { field: 'mark' }, color: { ...color, legend: null } },
        },
      ],
    })),
    resolve: { scale: { x: 'shared' } },
    config: { view: { stroke: '#ddd' } },
  } as vegaLite.TopLevelSpec;
}

/** The timeline as an SVG document. */
export async function timelineSvg(title: string, rows: TimelineRow[]): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(timelineSpec(title, rows)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One SVG per fault (failover-kill-N.svg in dir), each run's N-th kill in a row of its own; the files' paths. */
export async function writeTimelines(dir: string, runs: { label: string; observations: FailoverObservation[] }[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const faults = Math.max(0, ...runs.map((r) => r.observations.length));
  const paths: string[] = [];
  for (let i = 0; i < faults; i++) {
    const rows = runs.flatMap((r) => (r.observations[i] ? [{ label: r.label, observation: r.observations[i]! }] : []));
    const path = join(dir, `failover-kill-${i + 1}.svg`);
    writeFileSync(path, await timelineSvg(`Leader kill ${i + 1}: writes acknowledged through the VIP`, rows));
    paths.push(path);
  }
  return paths;
}
