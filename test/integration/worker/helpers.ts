/** Helpers for the worker tests: `runwire worker` children, waiting for lines, reading the store. */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { openRuntime } from '../../../src/runtime/open-runtime.js';
import type { RunEvent, RunRecord } from '../../../src/store/store.js';
import { collect, spawnCli, type CliResult } from '../engine/cli.js';

export interface WorkerChild {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<CliResult>;
}

/** Start `runwire worker ARGS` and resolve once it says it is ready. */
export async function startWorker(dir: string, args: string[], env: Record<string, string>): Promise<WorkerChild> {
  const child = spawnCli(dir, ['worker', ...args], env);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = collect(child);
  const w = { child, out: () => out, err: () => err, exited };
  await until(
    () => /Ready\./.test(err),
    30_000,
    () => `worker not ready:\n${err}`,
  );
  return w;
}

export async function until(pred: () => boolean | Promise<boolean>, ms = 30_000, why = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting ${ms} ms ${why()}`);
    await delay(20);
  }
}

/** Read a run (and its events) through the same runtime the CLI opens, then close it. */
export async function look(
  dir: string,
  env: Record<string, string>,
  runId: string,
): Promise<{ run: RunRecord | undefined; events: RunEvent[] }> {
  const url = env.RUNWIRE_DATABASE_URL;
  const rt = await openRuntime({ dataDir: dir, ...(url ? { databaseUrl: url } : {}) });
  try {
    return { run: await rt.store.getRun(runId), events: await rt.store.getEvents(runId) };
  } finally {
    await rt.close();
  }
}
