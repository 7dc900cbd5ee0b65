/**
 * Start-up cases for the engine bench: each command against a bare `node -e 0` measured in the same
 * run, interleaved (bare, run, validate, list; repeated), so the machine's load hits all alike.
 * Target (issue 9): each command within 2x the bare start, printed as wall / (2 x bare).
 *  - run: `runwire run` of a one-task runbook (a milestone), SQLite, every transition durable;
 *  - validate: `runwire validate` of a 40-task runbook (milestones and waits, a chain);
 *  - list: `runwire runs list` on a data dir holding a few runs.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function wallOf(args: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) fail(new Error(`${args.join(' ')} exited ${code}: ${err.slice(0, 400)}`));
      else done(performance.now() - t0);
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

/** Measure every case `runs` times (interleaved) and print the ratios; returns the medians. */
export async function startupBench(cli: string, dir: string, runs: number): Promise<Record<string, number>> {
  const one = join(dir, 'start-one.yaml');
  const forty = join(dir, 'start-forty.yaml');
  const data = join(dir, 'start-data');
  await writeFile(one, 'name: one\ntasks:\n  - id: a\n    type: milestone\n');
  await writeFile(forty, fortyTasks());
  const cases: Record<string, string[]> = {
    bare: ['-e', '0'],
    run: [cli, '--data-dir', data, 'run', one, '--json'],
    validate: [cli, 'validate', forty],
    list: [cli, '--data-dir', data, 'runs', 'list'],
  };
  await wallOf(cases.run as string[]); // warm the file cache and create the data dir
  const walls: Record<string, number[]> = { bare: [], run: [], validate: [], list: [] };
  for (let i = 0; i < runs; i++)
    for (const [name, args] of Object.entries(cases)) walls[name]?.push(await wallOf(args));
  const m = Object.fromEntries(Object.entries(walls).map(([k, v]) => [k, median(v)])) as Record<string, number>;
  const limit = 2 * (m.bare as number);
  process.stdout.write(
    `start-up, median of ${runs} interleaved runs: bare \`node -e 0\` ${(m.bare as number).toFixed(0)} ms, target 2x = ${limit.toFixed(0)} ms\n`,
  );
  for (const name of ['run', 'validate', 'list']) {
    const w = m[name] as number;
    process.stdout.write(
      `  ${`runwire ${name}`.padEnd(17)} ${w.toFixed(0).padStart(5)} ms = ${(w / (m.bare as number)).toFixed(2)}x bare; ${(w / limit).toFixed(2)}x the target (< 1.00x meets it)   [walls ${walls[name]?.map((x) => x.toFixed(0)).join(', ')}]\n`,
    );
  }
  return m;
}
