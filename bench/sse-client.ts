/**
 * A cheap SSE reader for the fan-out bench: node:http (no fetch / web streams / TextDecoder per
 * stream), and the receive time taken once per chunk as it arrives, before any parsing, so 100 readers
 * in one process measure when the bytes came, not how long the other 99 took to parse theirs.
 */
import { request } from 'node:http';

export interface Received {
  event: string;
  /** The event's `at` (epoch ms), from its data. */
  at: number;
  /** Epoch ms when the chunk holding it arrived. */
  receivedAt: number;
}

/** Open `url` as SSE; resolves once connected, with a promise of every event up to `end`. */
export function openCheapSse(url: string, headers: Record<string, string>): Promise<{ done: Promise<Received[]> }> {
  return new Promise((resolveOpen, rejectOpen) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        rejectOpen(new Error(`SSE ${url}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      const out: Received[] = [];
      let buf = '';
      res.setEncoding('utf8');
      const done = new Promise<Received[]>((resolveDone, rejectDone) => {
        res.on('data', (chunk: string) => {
          const receivedAt = performance.timeOrigin + performance.now();
          buf += chunk;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const ev = /^event: (.*)$/m.exec(frame)?.[1];
            if (!ev) continue; // a comment (connected, keep-alive)
            if (ev === 'end') {
              res.destroy();
              resolveDone(out);
              return;
            }
            const data = /^data: (.*)$/m.exec(frame)?.[1] ?? '{}';
            out.push({ event: ev, at: Date.parse((JSON.parse(data) as { at: string }).at), receivedAt });
          }
        });
        res.on('end', () => resolveDone(out));
        res.on('error', rejectDone);
      });
      resolveOpen({ done });
    });
    req.on('error', rejectOpen);
    req.end();
  });
}
