/**
 * Engine bench through the real CLI: generated runbooks run by `node bin/runwire.js run --json` as a
 * child process on a fresh SQLite data dir, every transition durable.
 *  - wide: 10,000 milestones, 100 layers of 100, each depending on two tasks of the layer above;
 *  - wide-yaml: the same runbook written as YAML (block style, as `yaml`'s stringify writes it);
 *  - wide-flow: the same runbook as flow-style YAML, one line per task (`- { id: t1, type: milestone,
 *    depends_on: [a, b] }`), as people and generators often write long lists;
 *  - chain: 1,000 milestones, each depending on the previous one;
 *  - start: a 1-task runbook, for the CLI's own start-up and parse cost;
 *  - start-up per command (`startup.ts`): run, validate (40 tasks) and runs list against 2x a bare
 *    `node -e 0` measured in the same run. `BENCH_ONLY=startup` runs only these.
 * Wall time is measured here around the child (start included). Engine time and peak RSS are reported
 * by the CLI itself on stderr when RUNWIRE_REPORT_STATS=1 (engine time = creating the run with its
 * tasks + driving it to the end; peak = process.resourceUsage().maxRSS). Median of RUNS runs each.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startupBench } from './startup.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'bin/runwire.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const TARGET = { wallMs: 2000, perTaskMs: 0.1, peakMb: 150, parseMs: 300 };
const N8N = { startMs: 1800, perNodeMs: [0.14, 0.21] as const, peakMb: 410 };

interface Sample {
  wallMs: number;
  engineMs: number;
  engineCpuMs: number;
  cpuMs: number;
  parseMs: number;
  peakMb: number;
  tasks: number;
}

function wide(): unknown {
  const tasks: unknown[] = [];
  for (let l = 0; l < 100; l++) {
    for (let i = 0; i < 100; i++) {
      tasks.push({
        id: `t${l}_${i}`,
        type: 'milestone',
        ...(l > 0 ? { depends_on: [`t${l - 1}_${i}`, `t${l - 1}_${(i + 1) % 100}`] } : {}),
      });
    }
  }
  return { name: 'bench wide 100x100', tasks };
}

function chain(n: number): unknown {
  return {
    name: `bench chain ${n}`,
    tasks: Array.from({ length: n }, (_, i) => ({
      id: `c${i}`,
      type: 'milestone',
      ...(i > 0 ? { depends_on: [`c${i - 1}`] } : {}),
    })),
  };
}

async function once(file: string, expectTasks: number): Promise<Sample> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runwire-bench-'));
  try {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, '--data-dir', dataDir, 'run', file, '--json'], {
      env: { ...process.env, RUNWIRE_REPORT_STATS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (code !== 0) throw new Error(`runwire exited ${code}: ${err}`);
    const run = JSON.parse(out) as { status: string; tasks: Array<{ status: string }> };
    if (
      run.status !== 'succeeded' ||
      run.tasks.length !== expectTasks ||
      run.tasks.some((t) => t.status !== 'succeeded')
    ) {
      throw new Error(`unexpected run: ${run.status}, ${run.tasks.length} tasks`);
    }
    const stats: Record<string, number> = {};
    for (const line of err.split('\n'))
      if (line.startsWith('runwire-stats ')) Object.assign(stats, JSON.parse(line.slice(14)));
    return {
      wallMs,
      engineMs: stats.engine_ms ?? NaN,
      engineCpuMs: stats.engine_cpu_ms ?? NaN,
      cpuMs: stats.process_cpu_ms ?? NaN,
      parseMs: stats.parse_ms ?? NaN,
      peakMb: (stats.maxrss_kb ?? NaN) / 1024,
      tasks: expectTasks,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** A runbook of plain scalars as flow-style YAML: one `- { … }` line per task. */
function flowYaml(doc: unknown): string {
  const d = doc as { name: string; tasks: Array<Record<string, string | string[]>> };
  const value = (v: string | string[]): string => (Array.isArray(v) ? `[${v.join(', ')}]` : v);
  const lines = [`name: ${d.name}`, 'tasks:'];
  for (const t of d.tasks)
    lines.push(
      `  - { ${Object.entries(t)
        .map(([k, v]) => `${k}: ${value(v)}`)
        .join(', ')} }`,
    );
  return `${lines.join('\n')}\n`;
}

async function measure(
  name: string,
  doc: unknown,
  tasks: number,
  dir: string,
  format: 'json' | 'yaml' | 'flow' = 'json',
): Promise<Sample> {
  const file = join(dir, `${name}.${format === 'json' ? 'json' : 'yaml'}`);
  await writeFile(file, format === 'json' ? JSON.stringify(doc) : format === 'flow' ? flowYaml(doc) : stringify(doc));
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(file, tasks));
  const m: Sample = {
    wallMs: median(samples.map((s) => s.wallMs)),
    engineMs: median(samples.map((s) => s.engineMs)),
    engineCpuMs: median(samples.map((s) => s.engineCpuMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    parseMs: median(samples.map((s) => s.parseMs)),
    peakMb: median(samples.map((s) => s.peakMb)),
    tasks,
  };
  const per = m.engineMs / tasks;
  process.stdout.write(
    `${name.padEnd(9)} ${String(tasks).padStart(6)} tasks  wall ${m.wallMs.toFixed(0).padStart(5)} ms (cpu ${m.cpuMs.toFixed(0).padStart(5)})  parse ${m.parseMs.toFixed(0).padStart(5)} ms  ` +
      `engine ${m.engineMs.toFixed(0).padStart(5)} ms (cpu ${m.engineCpuMs.toFixed(0)}; ${per.toFixed(4)} ms/task)  peak ${m.peakMb.toFixed(0).padStart(4)} MB   [walls ${samples.map((s) => s.wallMs.toFixed(0)).join(', ')}]\n`,
  );
  return m;
}

const ratio = (x: number, y: number): string => `${(x / y).toFixed(2)}x`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-bench-files-'));
  try {
    process.stdout.write(
      `engine bench: median of ${RUNS} runs each, through \`node bin/runwire.js run --json\`, SQLite, every transition durable\n`,
    );
    process.stdout.write(
      `machine: ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (wall times grow with load; cpu times much less)\n`,
    );
    await startupBench(cli, dir, Number(process.env.BENCH_STARTUP_RUNS ?? 7));
    if (process.env.BENCH_ONLY === 'startup') return;
    process.stdout.write('\n');
    const start = await measure('start', chain(1), 1, dir);
    const w = await measure('wide', wide(), 10_000, dir);
    const wy = await measure('wide-yaml', wide(), 10_000, dir, 'yaml');
    const wf = await measure('wide-flow', wide(), 10_000, dir, 'flow');
    const c = await measure('chain', chain(1000), 1000, dir);
    const perWide = w.engineMs / w.tasks;
    const perChain = c.engineMs / c.tasks;
    process.stdout.write('\nagainst the targets (ratio < 1.00x meets it):\n');
    process.stdout.write(
      `  10,000 tasks wall incl. CLI start  ${w.wallMs.toFixed(0)} ms / ${TARGET.wallMs} ms = ${ratio(w.wallMs, TARGET.wallMs)}\n`,
    );
    process.stdout.write(
      `  10,000 tasks as YAML, wall          ${wy.wallMs.toFixed(0)} ms / ${TARGET.wallMs} ms = ${ratio(wy.wallMs, TARGET.wallMs)} (parse ${wy.parseMs.toFixed(0)} ms vs ${w.parseMs.toFixed(0)} ms as JSON)\n`,
    );
    process.stdout.write(
      `  10,000 tasks as flow-style YAML    ${wf.wallMs.toFixed(0)} ms / ${TARGET.wallMs} ms = ${ratio(wf.wallMs, TARGET.wallMs)}, peak ${wf.peakMb.toFixed(0)} MB\n`,
    );
    for (const [label, x] of [
      ['JSON', w],
      ['block YAML', wy],
      ['flow YAML', wf],
    ] as const)
      process.stdout.write(
        `  parse + validate, ${label.padEnd(10)}       ${x.parseMs.toFixed(0)} ms / ${TARGET.parseMs} ms = ${ratio(x.parseMs, TARGET.parseMs)} (in the CLI: reading, module loading, validation)\n`,
      );
    process.stdout.write(
      `  engine time per task (wide)        ${perWide.toFixed(4)} ms / ${TARGET.perTaskMs} ms = ${ratio(perWide, TARGET.perTaskMs)}\n`,
    );
    process.stdout.write(
      `  engine time per task (chain)       ${perChain.toFixed(4)} ms / ${TARGET.perTaskMs} ms = ${ratio(perChain, TARGET.perTaskMs)}\n`,
    );
    process.stdout.write(
      `  engine cpu per task (wide, chain)  ${(w.engineCpuMs / w.tasks).toFixed(4)} ms, ${(c.engineCpuMs / c.tasks).toFixed(4)} ms\n`,
    );
    process.stdout.write(
      `  peak memory (wide)                 ${w.peakMb.toFixed(0)} MB / ${TARGET.peakMb} MB = ${ratio(w.peakMb, TARGET.peakMb)}\n`,
    );
    process.stdout.write('\nagainst n8n 2.40 as measured on this machine class (ratio < 1.00x is faster/smaller):\n');
    process.stdout.write(
      `  CLI start (1-task run, wall)       ${start.wallMs.toFixed(0)} ms vs ~${N8N.startMs} ms = ${ratio(start.wallMs, N8N.startMs)}\n`,
    );
    process.stdout.write(
      `  per task, durable (wide)           ${perWide.toFixed(4)} ms vs ${N8N.perNodeMs[0]}-${N8N.perNodeMs[1]} ms not persisted = ${ratio(perWide, N8N.perNodeMs[0])}-${ratio(perWide, N8N.perNodeMs[1])}\n`,
    );
    process.stdout.write(
      `  peak memory (wide)                 ${w.peakMb.toFixed(0)} MB vs ~${N8N.peakMb} MB = ${ratio(w.peakMb, N8N.peakMb)}\n`,
    );
  } finally {
    process.stdout.write(
      `\nload average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
