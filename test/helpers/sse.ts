/** A small Server-Sent Events reader over fetch, for tests and the bench. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: any;
  /** performance.now() when the frame was parsed. */
  receivedAt: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** Resolves with every event up to and including the one `until` accepts (or the stream's end). */
  read(until?: (e: SseEvent) => boolean): Promise<SseEvent[]>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctrl.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const queue: SseEvent[] = [];
  let done = false;
  const pump = async (): Promise<void> => {
    const { value, done: d } = await reader.read();
    if (d) {
      done = true;
      return;
    }
    buf += decoder.decode(value, { stream: true });
    let at: number;
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const frame = buf.slice(0, at);
      buf = buf.slice(at + 2);
      const ev: Partial<SseEvent> = { event: 'message' };
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) continue;
        const c = line.indexOf(':');
        const k = line.slice(0, c);
        const v = line.slice(c + 1).replace(/^ /, '');
        if (k === 'id') ev.id = v;
        else if (k === 'event') ev.event = v;
        else if (k === 'data') data += v;
      }
      if (data === '' && ev.id === undefined) continue;
      queue.push({
        id: ev.id,
        event: ev.event!,
        data: data ? JSON.parse(data) : undefined,
        receivedAt: performance.now(),
      });
    }
  };
  return {
    status: res.status,
    headers: res.headers,
    async read(until) {
      const out: SseEvent[] = [];
      for (;;) {
        while (queue.length > 0) {
          const e = queue.shift()!;
          out.push(e);
          if (until?.(e)) return out;
        }
        if (done) return out;
        await pump();
      }
    },
    close: () => ctrl.abort(),
  };
}
