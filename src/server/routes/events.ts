/**
 * Run events: `GET /api/runs/{id}/events?after=SEQ` as JSON, or with `Accept: text/event-stream` as
 * Server-Sent Events (`id:` seq, `event:` kind, JSON data), resuming after `Last-Event-ID`, ending
 * with an `end` event when the run finishes. `GET /api/events` streams every run's events from now on.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import type { Api } from '../app.js';
import { eventJson, feedEventFrame, feedResumeOf, resumeAfter, runEventFrame, sseFrame } from '../events/event-json.js';
import type { EventHub } from '../events/hub.js';
import { HttpError } from '../http-errors.js';
import { errors, MAX_ID } from '../schemas.js';

const EventSchema = Type.Object(
  {
    run_id: Type.String(),
    seq: Type.Integer(),
    at: Type.String(),
    actor: Type.String(),
    kind: Type.String({ description: 'e.g. run.created, task.running, task.succeeded' }),
    task_id: Type.Union([Type.String(), Type.Null()]),
    message: Type.String(),
    data: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  },
  { title: 'RunEvent' },
);

/** A comment line every so often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

function wantsStream(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/event-stream');
}

/** Take over the response for SSE; returns a writer and registers cleanup. */
function openStream(req: FastifyRequest, reply: FastifyReply, streams: Set<() => void>) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': req.id,
  });
  res.write(': connected\n\n');
  let closed = false;
  const cleanups: Array<() => void> = [];
  const end = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    streams.delete(end);
    for (const c of cleanups) c();
    res.end();
  };
  const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
  streams.add(end);
  req.raw.on('close', end);
  return {
    write: (chunk: string) => {
      if (!closed) res.write(chunk);
    },
    onClose: (fn: () => void) => cleanups.push(fn),
    end,
  };
}

export function eventRoutes(app: Api, store: Store, hub: EventHub): void {
  const streams = new Set<() => void>();
  // Streams never end by themselves; on shutdown they are ended first so the server can close.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get(
    '/api/runs/:id/events',
    {
      config: { role: 'viewer' },
      schema: {
        summary: "A run's events (JSON, or Server-Sent Events with Accept: text/event-stream)",
        description:
          'As SSE: `id:` is the seq, `event:` the kind, `data:` the event JSON; `Last-Event-ID` (or `after`) resumes; ' +
          'an `end` event (data `{ status }`) closes the stream when the run finishes.',
        tags: ['events'],
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ID })) }),
        response: { 200: Type.Object({ events: Type.Array(EventSchema) }), ...errors(404) },
      },
    },
    async (req, reply) => {
      const runId = req.params.id;
      if (!(await store.getRun(runId))) {
        throw new HttpError(404, 'runwire.run.not_found', `No run "${runId}".`, {
          fix: 'List runs with GET /api/runs.',
        });
      }
      const lastId = req.headers['last-event-id'];
      const after = resumeAfter(typeof lastId === 'string' ? lastId : undefined, req.query.after);
      if (!wantsStream(req)) return { events: (await store.getEvents(runId, after)).map(eventJson) };
      const s = openStream(req, reply, streams);
      const stop = hub.watchRun(runId, {
        after,
        onEvents: (events) => {
          s.write(events.map(runEventFrame).join(''));
        },
        onEnd: (status) => {
          s.write(sseFrame('end', 'end', { status }));
          s.end();
        },
      });
      s.onClose(stop);
      return reply;
    },
  );

  app.get(
    '/api/events',
    {
      config: { role: 'viewer' },
      schema: {
        summary: "Every run's events from now on, as Server-Sent Events",
        description:
          '`id:` is `<run id>/<seq>`, `event:` the kind, `data:` the event JSON (with `run_id`). A reconnect with ' +
          '`Last-Event-ID` gets what it missed: the events after that one, and those of other runs from 5 s before it ' +
          '(one of those may come twice: `run_id` + `seq` tell).',
        tags: ['events'],
        response: { 200: Type.String({ description: 'text/event-stream' }) },
      },
    },
    async (req, reply) => {
      const lastId = req.headers['last-event-id'];
      const resume = typeof lastId === 'string' ? feedResumeOf(lastId) : undefined;
      const s = openStream(req, reply, streams);
      const stop = hub.watchAll(
        {
          since: new Date().toISOString(),
          onEvents: (events) => {
            s.write(events.map(feedEventFrame).join(''));
          },
        },
        resume,
      );
      s.onClose(stop);
      return reply;
    },
  );
}
