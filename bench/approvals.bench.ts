/**
 * Approvals and the live run board (issue 14), in one process: the embedded Slack sandbox (rate
 * limits on, as Slack) sends its interactivity to a real Runwire server (SQLite data dir, one
 * embedded worker) — the approvals test harness, so the same parts the tests check.
 *  - click → task completed: BENCH_CLICKS runs (default 30) each wait on a manual task asking in
 *    Slack; a person's click is sent through the sandbox (signed block_actions, response_url) and
 *    the time until the task is stored `succeeded` is measured (store polled every 2 ms); p50 / p99.
 *  - board updates per minute: one run of a fast runbook (BENCH_TASKS chained 20 ms waits, default
 *    400: ~800 task changes) with `notify: { slack }`; every edit of its board message is counted
 *    by the sandbox; updates per minute over the run, against chat.update's Tier 3 (50 a minute).
 * Printed with the load average before and after and the core count.
 */
import { cpus, loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ApprovalEnv } from '../test/integration/approvals/harness.js';

const CLICKS = Number(process.env.BENCH_CLICKS ?? 30);
const TASKS = Number(process.env.BENCH_TASKS ?? 400);
const TIER3_PER_MINUTE = 50;

const APPROVAL = `name: Approve me
tasks:
  - id: go
    type: manual
    slack:
      channel: "#releases"
      text: "Go?"
`;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const before = load();
  const env = await ApprovalEnv.start();
  try {
    const store = env.server.runtime.runtime.store;
    const times: number[] = [];
    for (let i = 0; i < CLICKS; i++) {
      const runId = await env.start(APPROVAL);
      const m = await env.request(runId, 'go');
      await env.waitTask(runId, 'go', 'waiting');
      const t0 = performance.now();
      await env.click('alice', 'releases', m.ts, 'runwire_approve');
      for (;;) {
        const t = (await store.getTasks(runId))[0];
        if (t?.status === 'succeeded') break;
        await delay(2);
      }
      times.push(performance.now() - t0);
    }
    await env.server.approvals.idle();

    const chain = Array.from(
      { length: TASKS },
      (_, i) => `  - id: t${i}\n    type: wait\n    duration: 20ms${i ? `\n    depends_on: [t${i - 1}]` : ''}`,
    ).join('\n');
    const edits: number[] = [];
    env.slack.sandbox.workspace.on(
      'message_changed',
      (e: { message: { metadata?: { event_payload: Record<string, unknown> } } }) => {
        if (e.message.metadata?.event_payload.task_id === '__board') edits.push(Date.now());
      },
    );
    const t0 = Date.now();
    const runId = await env.start(`name: Fast\nnotify:\n  slack:\n    channel: "#ops"\ntasks:\n${chain}\n`);
    await env.waitRun(runId, 'succeeded', 600_000);
    const ran = Date.now() - t0;
    await delay(4000); // the final edit
    const events = (await store.getEvents(runId)).length;
    const perMinute = (edits.length / Math.max(ran, 1)) * 60_000;
    const maxInMinute = Math.max(0, ...edits.map((t) => edits.filter((u) => u >= t && u < t + 60_000).length));
    const p50 = quantile(times, 0.5);
    const p99 = quantile(times, 0.99);
    process.stdout.write(
      [
        `cores ${cpus().length}, load average before ${before}, after ${load()}`,
        `click → task completed (${CLICKS} clicks, sandbox → signed POST /slack/interactivity → RunService → worker → stored): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
        `board: ${TASKS} chained 20 ms waits (${events} events) ran ${(ran / 1000).toFixed(1)} s; ${edits.length} board edits = ${perMinute.toFixed(1)} per minute (most in any 60 s: ${maxInMinute}); Tier 3 allows ${TIER3_PER_MINUTE}: ratio ${(perMinute / TIER3_PER_MINUTE).toFixed(2)}x`,
      ]
        .map((line) => `${line}\n`)
        .join(''),
    );
  } finally {
    await env.close();
  }
}

await main();
