/**
 * Memory and CPU of a process and all its descendants (this Node process, moto, Chromium and its helpers), read
 * from /proc while a benchmark runs.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** What the processes of the tree are, by their command line. */
export type ProcessPart = 'node' | 'moto' | 'chromium' | 'other';

export interface TreeUsage {
  /** Peak of the summed RSS over the tree (kB). */
  peakRssKb: number;
  /** Summed RSS of each part at that peak (kB). */
  atPeakKb: Record<ProcessPart, number>;
  /** Most processes seen in the tree at once. */
  peakProcesses: number;
  samples: number;
  /** CPU time used while sampling (s), by part: user + system, reaped children included. */
  cpuSeconds: Record<ProcessPart, number>;
  /** CPU time every process of the machine used meanwhile (s), from /proc/stat: ours and anyone else's. */
  machineCpuSeconds: number;
  /** Wall time sampled (s). */
  wallSeconds: number;
}

export interface TreeSampler {
  /** Stops sampling and says what it saw. */
  stop(): TreeUsage;
}

const CLOCK_TICKS_PER_SECOND = 100;
const PARTS: readonly ProcessPart[] = ['node', 'moto', 'chromium', 'other'];

/** The direct children of `pid`, from each of its threads' children list (a thread forks them, not the process). */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
          .split(' ')
          .filter(Boolean)
          .map(Number);
      } catch {
        return []; // the thread ended meanwhile
      }
    });
  } catch {
    return []; // the process ended meanwhile
  }
}

function processTree(root: number): number[] {
  const tree: number[] = [];
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    tree.push(pid);
    pending.push(...childrenOf(pid));
  }
  return tree;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

function partOf(pid: number, root: number, cache: Map<number, ProcessPart>): ProcessPart {
  const known = cache.get(pid);
  if (known) return known;
  const command = (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');
  const part: ProcessPart =
    pid === root
      ? 'node'
      : /chrom/i.test(command)
        ? 'chromium'
        : /python|moto/i.test(command)
          ? 'moto'
          : 'other';
  cache.set(pid, part);
  return part;
}

/** utime + stime + cutime + cstime of one process (s): its own CPU and that of the children it reaped. */
function cpuOf(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return 0;
  // Fields after the command (which may hold spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

function machineCpu(): number {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

function emptyParts(): Record<ProcessPart, number> {
  return { node: 0, moto: 0, chromium: 0, other: 0 };
}

/**
 * Samples the tree under `root` every `everyMs`: summed VmRSS (pages shared between Chromium's processes count
 * once per process, so the sum leans high) and CPU time by part.
 */
export function sampleProcessTree(root: number, everyMs: number): TreeSampler {
  const parts = new Map<number, ProcessPart>();
  let peakRssKb = 0;
  let atPeakKb = emptyParts();
  let peakProcesses = 0;
  let samples = 0;
  const cpuNow = () => {
    const byPart = emptyParts();
    for (const pid of processTree(root)) byPart[partOf(pid, root, parts)] += cpuOf(pid);
    return byPart;
  };
  const startCpu = cpuNow();
  const startMachine = machineCpu();
  const startedAt = performance.now();
  // A process's CPU is counted by the last sample that saw it alive, or by its parent once reaped.
  const lastCpu = { ...startCpu };
  const sample = () => {
    const tree = processTree(root);
    const rss = emptyParts();
    const cpu = emptyParts();
    for (const pid of tree) {
      const part = partOf(pid, root, parts);
      const match = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
      rss[part] += match ? Number(match[1]) : 0;
      cpu[part] += cpuOf(pid);
    }
    for (const part of PARTS) lastCpu[part] = Math.max(lastCpu[part], cpu[part]);
    const total = PARTS.reduce((sum, part) => sum + rss[part], 0);
    if (total > peakRssKb) {
      peakRssKb = total;
      atPeakKb = rss;
    }
    peakProcesses = Math.max(peakProcesses, tree.length);
    samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpuSeconds = emptyParts();
      for (const part of PARTS) cpuSeconds[part] = lastCpu[part] - startCpu[part];
      return {
        peakRssKb,
        atPeakKb,
        peakProcesses,
        samples,
        cpuSeconds,
        machineCpuSeconds: machineCpu() - startMachine,
        wallSeconds: (performance.now() - startedAt) / 1000,
      };
    },
  };
}
