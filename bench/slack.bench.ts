/**
 * slack.message delivery at Slack's pace, through the real CLI and engine (a `node bin/runwire.js
 * run --json` child on a fresh SQLite data dir) against the Slack sandbox in this process with its
 * Slack-like limits ON (chat.postMessage 1/s per channel with a burst of 3; other methods by tier):
 *  - fan-out: 1,000 messages across 100 channels (10 each, all tasks start at once);
 *  - one channel: 60 messages into a single channel.
 * For each channel the achieved rate is (messages - 1) / (last ts - first ts), the sustained pace
 * between its first and last message, as a ratio of the limit (1 message/s); the bench prints the
 * median and the worst channel. End-to-end throughput (messages / wall time of the whole CLI run,
 * start-up included) is printed beside it. Duplicates and failures are counted from the sandbox's
 * own channel histories (by the task id in each message's metadata) and the run JSON.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { defaultSeed } from '../src/sandbox/seed.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'bin/runwire.js');
const LIMIT_PER_SEC = 1;
const TARGET_RATIO = 0.9;

function runCli(
  dataDir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [cli, '--data-dir', dataDir, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ code, out, err }));
  });
}

interface Result {
  name: string;
  messages: number;
  channels: number;
  wallS: number;
  medianRatio: number;
  worstRatio: number;
  endToEndRatio: number;
  duplicates: number;
  missing: number;
  failures: number;
  outOfOrder: number;
  rateLimited: number;
}

async function scenario(sb: Sandbox, name: string, channels: string[], perChannel: number): Promise<Result> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runwire-slack-bench-'));
  try {
    const add = await runCli(dataDir, [
      'connection',
      'add',
      'default',
      '--token',
      sb.credentials.bot_token,
      '--slack-url',
      sb.url,
    ]);
    if (add.code !== 0) throw new Error(`connection add failed: ${add.err}`);
    const tasks: unknown[] = [];
    // Task order interleaves channels, as a real fan-out runbook would list them.
    for (let i = 0; i < perChannel; i++) {
      for (const [c, ch] of channels.entries())
        tasks.push({ id: `m${c}_${i}`, type: 'slack.message', channel: `#${ch}`, message: `${ch} message ${i}` });
    }
    const file = join(dataDir, 'bench.json');
    await writeFile(file, JSON.stringify({ name: `bench ${name}`, tasks }));
    const t0 = process.hrtime.bigint();
    const r = await runCli(dataDir, ['run', file, '--json']);
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    type Run = {
      id: string;
      tasks: Array<{ id: string; status: string; slack?: { state: string; attempts: number } }>;
    };
    let run: Run;
    try {
      run = JSON.parse(r.out) as Run;
    } catch {
      throw new Error(
        `runwire run exited ${r.code} without a run JSON (${r.out.length} bytes on stdout); stderr: ${r.err.slice(-2000)}`,
      );
    }
    const failures = run.tasks.filter((t) => t.status !== 'succeeded' || t.slack?.state !== 'sent').length;
    const rateLimited = run.tasks.reduce((n, t) => n + Math.max(0, (t.slack?.attempts ?? 1) - 1), 0);

    let duplicates = 0;
    let missing = 0;
    let outOfOrder = 0;
    const ratios: number[] = [];
    for (const [c, ch] of channels.entries()) {
      const id = sb.workspace.resolveChannel(ch, sb.workspace.app.bot_user_id)!.id;
      const mine = sb.workspace.allMessages(id).filter((m) => m.metadata?.event_payload.run_id === run.id);
      const seen = new Map<string, number>();
      for (const m of mine)
        seen.set(
          String(m.metadata!.event_payload.task_id),
          (seen.get(String(m.metadata!.event_payload.task_id)) ?? 0) + 1,
        );
      for (let i = 0; i < perChannel; i++) {
        const n = seen.get(`m${c}_${i}`) ?? 0;
        if (n === 0) missing++;
        if (n > 1) duplicates += n - 1;
      }
      const order = mine.map((m) => Number(String(m.metadata!.event_payload.task_id).split('_')[1]));
      for (let i = 1; i < order.length; i++) if (order[i]! < order[i - 1]!) outOfOrder++;
      if (mine.length > 1) {
        const span = Number(mine[mine.length - 1]!.ts) - Number(mine[0]!.ts);
        ratios.push((mine.length - 1) / span / LIMIT_PER_SEC);
      }
    }
    ratios.sort((a, b) => a - b);
    const total = channels.length * perChannel;
    return {
      name,
      messages: total,
      channels: channels.length,
      wallS,
      medianRatio: ratios[Math.floor(ratios.length / 2)] ?? 0,
      worstRatio: ratios[0] ?? 0,
      endToEndRatio: total / wallS / (channels.length * LIMIT_PER_SEC),
      duplicates,
      missing,
      failures,
      outOfOrder,
      rateLimited,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const seed = defaultSeed();
  const bench = Array.from({ length: 100 }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  seed.channels = [...(seed.channels ?? []), ...bench.map((name) => ({ name, members: ['bot'] }))];
  const sb = await startSandbox({ workspace: seed, rateLimits: true, extensions: [] });
  process.stdout.write(
    `machine: ${cpus().length} cpus, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; sandbox limits ON (chat.postMessage 1/s per channel, burst 3)\n`,
  );
  let ok = true;
  try {
    const results = [
      await scenario(sb, '1,000 messages / 100 channels', bench, 10),
      await scenario(sb, '60 messages / 1 channel', ['bench-000'], 60),
    ];
    for (const r of results) {
      // Correctness (no duplicate, missing, failed or reordered message) fails the bench; a rate
      // below target on a loaded machine is reported, not failed (performance is printed, not tested).
      const correct = r.duplicates === 0 && r.missing === 0 && r.failures === 0 && r.outOfOrder === 0;
      ok &&= correct;
      const verdict = !correct ? 'FAIL (correctness)' : r.medianRatio >= TARGET_RATIO ? 'on target' : 'below target';
      process.stdout.write(
        `${r.name}: wall ${r.wallS.toFixed(1)} s; per-channel rate / limit: median ${r.medianRatio.toFixed(3)}, worst ${r.worstRatio.toFixed(3)} (target >= ${TARGET_RATIO}); ` +
          `end-to-end ${r.endToEndRatio.toFixed(3)} of ${r.channels} msg/s; duplicates ${r.duplicates}, missing ${r.missing}, failures ${r.failures}, out of order ${r.outOfOrder}, 429s retried ${r.rateLimited} — ${verdict}\n`,
      );
    }
  } finally {
    await sb.close();
  }
  if (!ok) process.exitCode = 1;
}

await main();
