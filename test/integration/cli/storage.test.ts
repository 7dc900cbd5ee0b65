/**
 * Storage that cannot be used (issue 8 item 10), through the real CLI: a damaged database file, a
 * data dir this user cannot write, a full disk (mid-run: the fix says how to continue the run), and a
 * database written by a newer Runwire (refused on SQLite and PostgreSQL, nothing written). Each is one
 * `error:` line naming the path and what is wrong, a `fix:` line, exit 2, and no stack trace.
 *
 * As root (CI), "unwritable" is a read-only bind mount and "full" a small tmpfs, since permissions do
 * not stop root; as another user, a chmod and SQLite's max_page_count on the store stand in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { guardStorage } from '../../../src/store/storage-errors.js';
import { freshSchemaUrl } from '../../helpers/backends.js';
import { type CliResult, collect, runCli, spawnCli, tempDir, writeRunbook } from '../engine/cli.js';

const MANUAL = `name: Manual
tasks:
  - id: first
    type: milestone
  - id: approve
    type: manual
    instructions: "go"
    depends_on: [first]
  - id: after
    type: milestone
    depends_on: [approve]
`;

const isRoot = process.getuid?.() === 0;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Exit 2, one error line naming `path` and matching `what`, a fix line, no stack. */
function refused(r: CliResult, path: string, what: RegExp, fix: RegExp): void {
  assert.equal(r.code, 2, `exit 2, got ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.ok(lines[0]!.startsWith('error: ') && lines[0]!.includes(path), r.stderr);
  assert.match(lines[0]!, what);
  assert.ok(lines[1]!.startsWith('fix: '), r.stderr);
  assert.match(lines[1]!, fix);
  assert.doesNotMatch(r.stderr, /\n\s+at |SqliteError/, 'no stack trace, no raw SQLite error');
}

/** A data dir with a migrated database and one finished run, checkpointed into the main file. */
async function usedDataDir(): Promise<{ dir: string; db: string; file: string }> {
  const dir = await tempDir('runwire-storage-');
  const file = await writeRunbook(dir, 'manual.yaml', MANUAL);
  const data = join(dir, 'data');
  const r = await runCli(data, ['run', file]);
  assert.equal(r.code, 3, r.stderr);
  const db = join(data, 'runwire.db');
  const h = new Database(db);
  h.pragma('wal_checkpoint(TRUNCATE)');
  h.close();
  return { dir: data, db, file };
}

function mount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

test('a damaged database file: the path, "damaged", how to move it aside; the file is not touched', async () => {
  const notDb = await usedDataDir();
  writeFileSync(notDb.db, 'this is not a SQLite database, it was overwritten by something else\n'.repeat(100));
  const before = sha(notDb.db);
  for (const args of [
    ['runs', 'list'],
    ['run', notDb.file],
    ['connection', 'list'],
  ]) {
    refused(
      await runCli(notDb.dir, args),
      notDb.db,
      /is damaged and cannot be read \(file is not a database\)/,
      /mv .*runwire\.db .*runwire\.db\.damaged/,
    );
  }
  assert.equal(sha(notDb.db), before, 'not repaired or rewritten');

  // Pages damaged behind an intact header: found when read.
  const pages = await usedDataDir();
  const bytes = readFileSync(pages.db);
  bytes.fill(0xff, 4096 * 2, Math.min(bytes.length, 4096 * 30));
  writeFileSync(pages.db, bytes);
  refused(
    await runCli(pages.dir, ['runs', 'list']),
    pages.db,
    /is damaged and cannot be read \(database disk image is malformed\)/,
    /restore .* from a backup/,
  );
});

test('a database written by a newer Runwire is refused on SQLite, and nothing is written to it', async () => {
  const { dir, db, file } = await usedDataDir();
  const h = new Database(db);
  h.prepare("INSERT INTO schema_migrations (id, name, applied_at) VALUES (9999, 'from the future', 'x')").run();
  h.pragma('wal_checkpoint(TRUNCATE)');
  h.close();
  const before = sha(db);
  for (const args of [
    ['runs', 'list'],
    ['run', file],
    ['connection', 'add', 'x', '--webhook-url', 'https://hooks.slack.com/services/T/B/x'],
  ]) {
    refused(
      await runCli(dir, args),
      db,
      /was written by a newer Runwire: it has migration 9999, and this Runwire knows migrations up to \d+; nothing was written to it/,
      /use the newer Runwire/,
    );
  }
  assert.equal(sha(db), before, 'the file is unchanged');
  assert.ok(!existsSync(`${db}-wal`) || readFileSync(`${db}-wal`).length === 0, 'no write-ahead log written');
});

test('a database written by a newer Runwire is refused on PostgreSQL, and nothing is written to it', async () => {
  const url = freshSchemaUrl('storage');
  const dir = await tempDir('runwire-storage-');
  const file = await writeRunbook(dir, 'manual.yaml', MANUAL);
  const env = { RUNWIRE_DATABASE_URL: url };
  assert.equal((await runCli(join(dir, 'data'), ['runs', 'list'], env)).code, 0);
  const schema = /search_path%3D(\w+)/.exec(url)![1]!;
  const client = new pg.Client({ connectionString: url.split('?')[0] });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO ${schema}.schema_migrations (id, name, applied_at) VALUES (9999, 'from the future', 'x')`,
    );
    const count = async () => (await client.query(`SELECT count(*)::int AS n FROM ${schema}.runs`)).rows[0].n as number;
    const migrations = async () =>
      (await client.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`)).rows[0].n as number;
    const [runs, applied] = [await count(), await migrations()];
    for (const args of [
      ['runs', 'list'],
      ['run', file],
    ]) {
      refused(
        await runCli(join(dir, 'data'), args, env),
        `the PostgreSQL database postgres://`,
        /was written by a newer Runwire: it has migration 9999/,
        /use the newer Runwire/,
      );
    }
    assert.equal(await count(), runs, 'no run was written');
    assert.equal(await migrations(), applied, 'no migration was applied');
  } finally {
    await client.end();
  }
});

test('a data dir this user cannot write: the path, why, and the fix', async () => {
  const { dir, file } = await usedDataDir();
  if (isRoot) {
    // Root ignores permissions: a read-only bind mount of the data dir is what stops it.
    assert.ok(mount(['--bind', dir, dir]) && mount(['-o', 'remount,ro,bind', dir]), 'mount a read-only bind');
    try {
      for (const args of [
        ['run', file],
        ['task', 'complete', 'r_none', 'approve'],
      ]) {
        refused(
          await runCli(dir, args),
          dir,
          /the data dir .* is on a read-only file system/,
          /remount it read-write, or pass --data-dir/,
        );
      }
    } finally {
      execFileSync('umount', [dir]);
    }
  } else {
    chmodSync(join(dir, 'runwire.db'), 0o444);
    chmodSync(dir, 0o555);
    try {
      refused(
        await runCli(dir, ['run', file]),
        dir,
        /cannot be written by this user/,
        /writable by .*or pass --data-dir/,
      );
    } finally {
      chmodSync(dir, 0o755);
    }
  }
});

test('a full disk mid-run: the path, "full", and how to continue the run once there is space', {
  timeout: 120_000,
}, async (t) => {
  const base = await tempDir('runwire-storage-');
  const waiting = await writeRunbook(
    base,
    'wait.yaml',
    'name: Wait\ntasks:\n  - id: a\n    type: milestone\n  - id: pause\n    type: wait\n    duration: 2s\n    depends_on: [a]\n  - id: b\n    type: milestone\n    depends_on: [pause]\n',
  );
  const data = join(base, 'small');
  mkdirSync(data);
  if (!isRoot || !mount(['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', data])) {
    // No mount here: the store on a database that may not grow (SQLITE_FULL) gives the same error.
    const h = new Database(join(data, 'runwire.db'));
    const store = guardStorage(new SqliteStore(h), { kind: 'sqlite', file: join(data, 'runwire.db') });
    h.exec('CREATE TABLE filler (x BLOB)');
    h.pragma(`max_page_count = ${Number(h.pragma('page_count', { simple: true }))}`);
    await assert.rejects(
      store.createRun({ id: 'r_x', runbook: { name: 'x', tasks: [] } as never, status: 'queued' } as never, [], []),
      (err: { code?: string; message?: string }) =>
        err.code === 'runwire.store.full' && /is full/.test(err.message ?? ''),
    );
    h.close();
    return;
  }
  t.after(() => execFileSync('umount', ['-l', data]));
  const filler = join(data, 'filler');
  const fill = () => {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'pipe' });
    } catch {
      // dd stops with "No space left on device": that is the point.
    }
  };
  // The disk fills while the run waits: its next write fails, and the fix says how to continue it.
  const child = spawnCli(data, ['run', waiting]);
  const done = collect(child);
  const runId = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Run (r_\w+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  fill();
  refused(
    await done,
    data,
    /the disk holding .*runwire\.db is full/,
    new RegExp(
      `free space on that disk \\(df -h .*\\), or move the data dir to a larger one, then continue run ${runId} with: runwire --data-dir \\S+ resume ${runId}$`,
    ),
  );
  // Reading still works on a full disk; a command that fails before a run exists is told to run again.
  const shown = await runCli(data, ['runs', 'show', runId]);
  assert.equal(shown.code, 0, shown.stderr);
  refused(await runCli(data, ['run', waiting]), data, /is full/, /, then run the command again$/);
  execFileSync('rm', [filler]);
  const resumed = await runCli(data, ['resume', runId]);
  assert.equal(resumed.code, 0, `${resumed.stdout}${resumed.stderr}`);
  assert.match(resumed.stdout, /succeeded/);
});
