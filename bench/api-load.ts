/**
 * The API bench's load generator, run as its own process (a client is never in the server's process):
 * `node dist/bench/api-load.js URL TOKEN RATE SECONDS` sends `POST /api/runs` of the `one` runbook
 * open-loop at a steady RATE — request i is due at start + i/RATE, however the earlier ones fare —
 * over a keep-alive agent of 10 sockets, and prints one JSON line of figures.
 *
 * Why not autocannon: its `overallRate` lets each connection send its whole per-second budget back to
 * back at the start of every second and then pause (lib/httpClient.js `reqsMadeThisSecond`), so
 * "100 requests/s" is a burst of 100 at once each second; and with a rate it records every latency
 * with a coordinated-omission correction at an expected interval of `ceil(1 / rate)` = 1 ms, which adds
 * a 39, 38, … 1 ms sample for every 40 ms response. Both inflate the p99 it reports.
 *
 * `latency` is from the moment the request was handed to the agent to the end of the response (what
 * the request saw, including a wait for a free socket); `fromDue` is from when it was due (also
 * counts this generator's own timer lateness, as a steady client would see it).
 */
import { Agent, request } from 'node:http';

const [url, token, rateArg, secondsArg] = process.argv.slice(2);
if (!url || !token || !rateArg || !secondsArg) {
  process.stderr.write('usage: api-load URL TOKEN RATE SECONDS\n');
  process.exit(2);
}
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const target = new URL('/api/runs', url);
const body = JSON.stringify({ runbook: 'one', mode: 'live' });
const agent = new Agent({ keepAlive: true, maxSockets: 10 });
const headers = {
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  'content-length': Buffer.byteLength(body),
};

const latency: number[] = [];
const fromDue: number[] = [];
let non2xx = 0;
let errors = 0;
let inFlight = 0;

function send(due: number): void {
  const sent = performance.now();
  inFlight++;
  const req = request(target, { method: 'POST', agent, headers }, (res) => {
    res.resume();
    res.on('end', () => {
      const end = performance.now();
      inFlight--;
      if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
      latency.push(end - sent);
      fromDue.push(end - due);
    });
  });
  req.on('error', () => {
    inFlight--;
    errors++;
  });
  req.end(body);
}

const total = Math.round(rate * seconds);
const interval = 1000 / rate;
const start = performance.now();
let next = 0;
await new Promise<void>((done) => {
  const tick = (): void => {
    const now = performance.now();
    while (next < total && start + next * interval <= now) send(start + next++ * interval);
    if (next >= total) done();
    else setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
  };
  tick();
});
const sentFor = performance.now() - start;
for (let i = 0; i < 400 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 25));
agent.destroy();

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;
process.stdout.write(
  `${JSON.stringify({
    rate,
    sent: next,
    done: latency.length,
    rps: round(next / (sentFor / 1000)),
    p50: round(pct(latency, 50)),
    p90: round(pct(latency, 90)),
    p99: round(pct(latency, 99)),
    max: round(pct(latency, 100)),
    dueP99: round(pct(fromDue, 99)),
    non2xx,
    errors: errors + inFlight,
  })}\n`,
);
