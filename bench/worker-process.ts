/**
 * A `runwire worker` child process for the benches, resolved once it prints "Ready.".
 * `BENCH_WORKER_NODE_ARGS` adds node flags to every worker (space-separated), e.g. to profile them:
 * `BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` (node refuses those in NODE_OPTIONS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin/runwire.js');

export function startWorker(dataDir: string, env: NodeJS.ProcessEnv, name: string): Promise<ChildProcess> {
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, cli, '--data-dir', dataDir, 'worker', '--name', name], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolveReady, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (/Ready\./.test(err)) resolveReady(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}
