/** One line of `packer build -machine-readable`: timestamp,target,type,data... */
export interface PackerEvent {
  time: number;
  target: string;
  type: string;
  data: string[];
}

export function parseMachineReadable(line: string): PackerEvent | undefined {
  const parts = line.split(',');
  if (parts.length < 3 || !/^\d+$/.test(parts[0]!)) return undefined;
  const unescape = (s: string) => s.replace(/%!\(PACKER_COMMA\)/g, ',').replace(/\\n/g, '\n').replace(/\\r/g, '');
  return { time: Number(parts[0]), target: parts[1]!, type: parts[2]!, data: parts.slice(3).map(unescape) };
}

/** Build phases marked by Packer's own `ui say` lines (the provisioner phases are counted in mark()). */
const PHASES: [string, RegExp][] = [
  ['boot', /Starting VM|Copying hard drive|Retrieving ISO|Creating required virtual machine disks/],
  ['shutdown', /Gracefully halting/],
  ['convert', /Converting hard drive/],
  ['post-process', /Running post-processor/],
];

/**
 * Turns the machine-readable stream into short progress lines and phase timings:
 * boot (start until SSH answers and the first provisioner runs), install (packages), configure+versions,
 * seal, shutdown (finish.sh: build user removal and the hygiene check), convert (qemu-img with compression).
 */
export class BuildProgress {
  readonly tail: string[] = [];
  private start: number | undefined;
  private marks: { phase: string; time: number }[] = [];
  private shellCount = 0;
  private end: number | undefined;

  constructor(private readonly print: (line: string) => void) {}

  feed(line: string): void {
    const e = parseMachineReadable(line);
    if (!e) return;
    this.start ??= e.time;
    this.end = e.time;
    if (e.type !== 'ui') return;
    const [kind, text = ''] = e.data;
    const clean = text.trim();
    if (clean) {
      this.tail.push(clean);
      if (this.tail.length > 40) this.tail.shift();
    }
    const elapsed = () => {
      const s = e.time - this.start!;
      return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    };
    if (kind === 'say') {
      this.mark(clean, e.time);
      this.print(`${elapsed()} ${clean.replace(/^==> [\w.-]+: /, '')}`);
    } else if (kind === 'error') {
      // a remote command's stderr comes as `==> build: text`; Packer's own errors have no such prefix
      const remote = /^==> [\w.-]+: (.*)$/.exec(clean);
      this.print(remote ? `${elapsed()}   ${remote[1]}` : `${elapsed()} ERROR ${clean}`);
    } else if (kind === 'message') {
      const own = clean.replace(/^[\w.-]+: /, '');
      if (/^(installed:|services of role|\d+ packages listed|sealed|hygiene check|HYGIENE|finishing)/.test(own)) this.print(`${elapsed()}   ${own}`);
    }
  }

  private mark(text: string, time: number): void {
    if (/Provisioning with shell script/.test(text)) {
      this.shellCount++;
      // shell provisioners: 1 mkdir, 2 install, 3 configure, 4 versions, 5 seal, 6 hygiene check
      const phase = { 2: 'install', 3: 'configure', 5: 'seal', 6: 'hygiene' }[this.shellCount];
      if (phase) this.marks.push({ phase, time });
      return;
    }
    for (const [phase, re] of PHASES) {
      if (re.test(text) && !this.marks.some((m) => m.phase === phase)) this.marks.push({ phase, time });
    }
  }

  /** Seconds per phase, in order; the last phase runs until the last event. */
  timings(): Record<string, number> {
    const out: Record<string, number> = {};
    this.marks.forEach((m, i) => {
      const next = this.marks[i + 1]?.time ?? this.end ?? m.time;
      out[m.phase] = (out[m.phase] ?? 0) + (next - m.time);
    });
    if (this.start !== undefined && this.end !== undefined) out.total = this.end - this.start;
    return out;
  }
}
