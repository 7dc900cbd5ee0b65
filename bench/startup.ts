/**
 * Start-up cases for the engine bench: each command against a bare `node -e 0` measured in the same
 * run, interleaved (bare, run, validate, list; repeated), so the machine's load hits all alike.
 * Target (issue 9): each command within 2x the bare start, printed as wall / (2 x bare).
 *  - run: `runwire run` of a one-task runbook (a milestone), SQLite, every transition durable;
 *  - validate: `runwire validate` of a 40-task runbook (milestones and waits, a chain);
 *  - list: `runwire runs list` on a data dir holding a few runs.
 * Each child also reports its own CPU time (user + system, from a tiny CommonJS preload given to the
 * bare start too), which moves much less with the machine's load than wall time does.
 * `BENCH_BASELINE_CLI=/other/checkout/bin/runwire.js` adds the same commands of another build to the
 * same interleaved rounds (before/after in one run).
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';

interface Sample {
  wall: number;
  cpu: number;
}

const CPU_PRELOAD = `process.on('exit', () => {
  const u = process.cpuUsage();
  require('node:fs').writeSync(2, '\\nCPU_MS ' + (u.user + u.system) / 1000 + '\\n');
});
`;

function sampleOf(preload: string, args: string[]): Promise<Sample> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-r', preload, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      const wall = performance.now() - t0;
      if (code !== 0) fail(new Error(`${args.join(' ')} exited ${code}: ${err.slice(0, 400)}`));
      else done({ wall, cpu: Number(/CPU_MS ([\d.]+)/.exec(err)?.[1] ?? Number.NaN) });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function fortyTasks(): string {
  const lines = ['name: forty', 'tasks:'];
  for (let i = 0; i < 40; i++) {
    lines.push(`  - id: t${i}`, `    type: ${i % 4 === 0 ? 'wait' : 'milestone'}`);
    if (i % 4 === 0) lines.push('    duration: 1ms');
    if (i > 0) lines.push(`    depends_on: [t${i - 1}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Measure every case `runs` times (interleaved) and print the ratios; returns the median walls. */
export async function startupBench(cli: string, dir: string, runs: number): Promise<Record<string, number>> {
  const one = join(dir, 'start-one.yaml');
  const forty = join(dir, 'start-forty.yaml');
  const preload = join(dir, 'cpu-report.cjs');
  await writeFile(one, 'name: one\ntasks:\n  - id: a\n    type: milestone\n');
  await writeFile(forty, fortyTasks());
  await writeFile(preload, CPU_PRELOAD);
  const commands = (bin: string, data: string): Record<string, string[]> => ({
    run: [bin, '--data-dir', data, 'run', one, '--json'],
    validate: [bin, 'validate', forty],
    list: [bin, '--data-dir', data, 'runs', 'list'],
  });
  const cases: Record<string, string[]> = { bare: ['-e', '0'] };
  for (const [k, v] of Object.entries(commands(cli, join(dir, 'start-data')))) cases[k] = v;
  const baseline = process.env.BENCH_BASELINE_CLI;
  if (baseline)
    for (const [k, v] of Object.entries(commands(baseline, join(dir, 'start-data-baseline'))))
      cases[`${k}@baseline`] = v;
  // Warm the file cache and create the data dirs (a first run migrates).
  for (const [k, args] of Object.entries(cases)) if (k.startsWith('run')) await sampleOf(preload, args);
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < runs; i++)
    for (const [name, args] of Object.entries(cases)) samples[name]?.push(await sampleOf(preload, args));
  const m = (name: string, f: keyof Sample): number => median((samples[name] ?? []).map((s) => s[f]));
  const bare = m('bare', 'wall');
  const limit = 2 * bare;
  process.stdout.write(
    `start-up, median of ${runs} interleaved runs (load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )}): bare \`node -e 0\` ${bare.toFixed(0)} ms wall, ${m('bare', 'cpu').toFixed(0)} ms cpu; target 2x = ${limit.toFixed(0)} ms\n`,
  );
  const out: Record<string, number> = { bare };
  for (const name of Object.keys(cases).filter((k) => k !== 'bare')) {
    const w = m(name, 'wall');
    out[name] = w;
    process.stdout.write(
      `  ${`runwire ${name}`.padEnd(26)} ${w.toFixed(0).padStart(5)} ms = ${(w / bare).toFixed(2)}x bare; ${(w / limit).toFixed(2)}x the target (< 1.00x meets it); cpu ${m(name, 'cpu').toFixed(0)} ms = ${(m(name, 'cpu') / m('bare', 'cpu')).toFixed(2)}x bare's   [walls ${samples[name]?.map((x) => x.wall.toFixed(0)).join(', ')}]\n`,
    );
  }
  return out;
}
