/**
 * A run's events over Server-Sent Events, read with `fetch` (so every event kind arrives, whatever
 * its name, and the cookie rides along): frames are parsed as they come, handed over in batches, and
 * a dropped stream reconnects after the last seq seen (`?after=`), so nothing is lost or repeated.
 */
import type { RunEvent } from './types';

export interface StreamHandlers {
  onEvents(events: RunEvent[]): void;
  /** The run finished (the server's `end` event). */
  onEnd(status: string): void;
  onState?(state: 'connected' | 'reconnecting'): void;
}

/** Parse complete frames out of `buffer`; returns them and what is left over. Pure. */
export function parseFrames(buffer: string): { frames: Array<{ event: string; data: string }>; rest: string } {
  const frames: Array<{ event: string; data: string }> = [];
  let start = 0;
  for (;;) {
    const end = buffer.indexOf('\n\n', start);
    if (end < 0) break;
    let event = 'message';
    const data: string[] = [];
    for (const line of buffer.slice(start, end).split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) frames.push({ event, data: data.join('\n') });
    start = end + 2;
  }
  return { frames, rest: buffer.slice(start) };
}

export function streamRunEvents(runId: string, after: number, h: StreamHandlers): () => void {
  const ctl = new AbortController();
  let last = after;
  let ended = false;
  const connect = async (): Promise<void> => {
    while (!ended && !ctl.signal.aborted) {
      try {
        const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/events?after=${last}`, {
          headers: { accept: 'text/event-stream' },
          credentials: 'same-origin',
          signal: ctl.signal,
        });
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        h.onState?.('connected');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const { frames, rest } = parseFrames(buf + value);
          buf = rest;
          const batch: RunEvent[] = [];
          for (const f of frames) {
            if (f.event === 'end') {
              ended = true;
              if (batch.length) h.onEvents(batch.splice(0));
              h.onEnd((JSON.parse(f.data) as { status: string }).status);
              continue;
            }
            const e = JSON.parse(f.data) as RunEvent;
            if (e.seq > last) {
              last = e.seq;
              batch.push(e);
            }
          }
          if (batch.length) h.onEvents(batch);
        }
      } catch {
        if (ctl.signal.aborted) return;
      }
      if (ended || ctl.signal.aborted) return;
      h.onState?.('reconnecting');
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void connect();
  return () => ctl.abort();
}
