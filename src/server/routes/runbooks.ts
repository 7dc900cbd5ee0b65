/**
 * The runbook library over HTTP: `PUT /api/runbooks/{id}` (YAML or JSON text, validated as
 * `runwire validate` does; 201 new, 200 new version or unchanged, 422 with every issue),
 * `GET /api/runbooks`, `GET /api/runbooks/{id}` (source, parsed runbook, version, current issues),
 * `GET /api/runbooks/{id}/versions`, `GET /api/runbooks/{id}/versions/{version}`, `DELETE`.
 */
import { Type } from '@sinclair/typebox';
import type { TaskTypeRegistry } from '../../core/task-type.js';
import type { Api } from '../app.js';
import { BODY_LIMIT } from '../app-limits.js';
import { HttpError } from '../http-errors.js';
import { formatOf, pushRunbook, versionJson } from '../library/push.js';
import { errors, MAX_INT32 } from '../schemas.js';
import type { LibraryStore } from '../store/library-store.js';

const Id = Type.Object({ id: Type.String({ description: 'Runbook id (e.g. its file name without extension)' }) });
const Issue = Type.Object({
  line: Type.Integer(),
  column: Type.Integer(),
  field: Type.String(),
  message: Type.String(),
});
const Version = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    tasks: Type.Array(Type.Unknown()),
    triggers: Type.Array(Type.Unknown()),
    vars: Type.Record(Type.String(), Type.String()),
    created_at: Type.String(),
    created_by: Type.String(),
  },
  { title: 'RunbookVersion' },
);
const Detail = Type.Object(
  {
    ...Version.properties,
    format: Type.String(),
    source: Type.String({ description: 'The text as pushed' }),
    runbook: Type.Unknown({ description: 'The parsed runbook' }),
    issues: Type.Union([Type.Array(Issue), Type.Null()], {
      description: 'Problems of the file as it is now (`--runbooks DIR`); the version above stays in use',
    }),
    current_source: Type.Union([Type.String(), Type.Null()], {
      description: "The file's text as it is now when it has issues: their lines and columns point into it",
    }),
    source_file: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Runbook' },
);
const Summary = Type.Object(
  {
    id: Type.String(),
    version: Type.Union([Type.Integer(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    description: Type.Union([Type.String(), Type.Null()]),
    tasks: Type.Integer({ description: 'How many tasks' }),
    issues: Type.Union([Type.Array(Issue), Type.Null()]),
    updated_at: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'RunbookSummary' },
);
const VersionSummary = Type.Object({
  version: Type.Integer(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  format: Type.String(),
  created_at: Type.String(),
  created_by: Type.String(),
});

export function runbookRoutes(app: Api, lib: LibraryStore, types: TaskTypeRegistry): void {
  // The body is the runbook's text whatever its type, so positions come from what was sent.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  app.put(
    '/api/runbooks/:id',
    {
      config: { role: 'admin' },
      bodyLimit: BODY_LIMIT,
      schema: {
        summary: 'Push a runbook (a new version when it changed)',
        description: 'Body: the runbook as YAML (`application/yaml`) or JSON (`application/json`), up to 5 MB.',
        tags: ['runbooks'],
        params: Id,
        body: Type.String({ description: 'The runbook text' }),
        response: { 200: Version, 201: Version, ...errors(400, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const text = req.body;
      const { version, created } = await pushRunbook(lib, types, {
        id: req.params.id,
        text,
        format: formatOf(req.headers['content-type'], text),
        by: `api:${req.principal!.name}`,
      });
      return reply.status(created ? 201 : 200).send(versionJson(version) as never);
    },
  );

  app.get(
    '/api/runbooks',
    {
      config: { role: 'viewer' },
      schema: { summary: 'List runbooks', tags: ['runbooks'], response: { 200: Type.Array(Summary) } },
    },
    async () =>
      (await lib.list()).map((e) => ({
        id: e.id,
        version: e.latest?.version ?? null,
        name: e.latest?.name ?? null,
        description: e.latest?.description ?? null,
        tasks: e.latest?.runbook.tasks.length ?? 0,
        issues: e.issues,
        updated_at: e.latest?.created_at ?? null,
      })),
  );

  app.get(
    '/api/runbooks/:id',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'A runbook: latest version, source, parsed runbook, current issues',
        tags: ['runbooks'],
        params: Id,
        response: { 200: Detail, ...errors(404) },
      },
    },
    async (req) => {
      const e = await lib.get(req.params.id);
      if (!e) throw notFound(req.params.id);
      if (!e.latest) {
        // A --runbooks file that has never been valid: only its issues exist.
        throw new HttpError(
          422,
          'runwire.runbook.invalid',
          `Runbook "${e.id}" (${e.source_file ?? 'file'}) has never been valid.`,
          {
            fix: 'Fix the issues in the file; it is reloaded on save.',
            extra: { issues: e.issues ?? [], current_source: e.current_source },
          },
        );
      }
      return {
        ...versionJson(e.latest),
        format: e.latest.format,
        source: e.latest.source,
        runbook: e.latest.runbook,
        issues: e.issues,
        current_source: e.current_source,
        source_file: e.source_file,
      } as never;
    },
  );

  app.get(
    '/api/runbooks/:id/versions',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Versions of a runbook, newest first',
        tags: ['runbooks'],
        params: Id,
        response: { 200: Type.Array(VersionSummary), ...errors(404) },
      },
    },
    async (req) => {
      if (!(await lib.get(req.params.id))) throw notFound(req.params.id);
      return lib.versions(req.params.id);
    },
  );

  app.get(
    '/api/runbooks/:id/versions/:version',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'One version of a runbook',
        tags: ['runbooks'],
        params: Type.Object({ id: Type.String(), version: Type.Integer({ minimum: 1, maximum: MAX_INT32 }) }),
        response: { 200: Detail, ...errors(404) },
      },
    },
    async (req) => {
      const v = await lib.version(req.params.id, req.params.version);
      if (!v) throw notFound(req.params.id, req.params.version);
      return {
        ...versionJson(v),
        format: v.format,
        source: v.source,
        runbook: v.runbook,
        issues: null,
        current_source: null,
        source_file: null,
      } as never;
    },
  );

  app.delete(
    '/api/runbooks/:id',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Delete a runbook (its versions stay for the runs that used them)',
        tags: ['runbooks'],
        params: Id,
        response: { 204: Type.Null(), ...errors(404) },
      },
    },
    async (req, reply) => {
      if (!(await lib.delete(req.params.id))) throw notFound(req.params.id);
      return reply.status(204).send(null);
    },
  );
}

function notFound(id: string, version?: number): HttpError {
  return new HttpError(
    404,
    'runwire.runbook.not_found',
    version === undefined ? `No runbook "${id}" in the library.` : `Runbook "${id}" has no version ${version}.`,
    { fix: 'List them with GET /api/runbooks (or `runwire runbooks list`).' },
  );
}
