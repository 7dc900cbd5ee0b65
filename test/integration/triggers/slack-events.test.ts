/**
 * Slack messages start runbooks, end to end against the sandbox over the Events API: the sandbox
 * delivers signed event callbacks to the server's POST /slack/events (after Slack's url_verification
 * handshake); a matching message from an allowed user starts the runbook with the right vars and the
 * thread answer appears ("run started" with a link, then the outcome, once each); a non-matching
 * message, Runwire's own post, a bot, a thread reply and a disallowed user start nothing (the last
 * gets an ephemeral "not allowed"); a retried delivery starts one run; history keeps every outcome.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebClient } from '@slack/web-api';
import { signedHeaders } from '../../../src/sandbox/events/signature.js';
import { channelId, postAs, pushRunbook, type Rig, runsOf, signedEvent, startRig, waitFor } from './harness.js';

const DEPLOY = `name: Deploy
vars: { release: "0", who: "nobody" }
triggers:
  - id: deploy-command
    type: slack.message
    channel: ["#releases", "#incidents"]
    match: '^deploy (?<release>\\d+)( rehearsal)?$'
    users: ["@release-managers"]
    vars: { who: "{{trigger.user_name}} in {{trigger.channel}}" }
    reply: true
tasks:
  - id: announce
    type: milestone
`;

let rig: Rig;
const ephemerals: Array<{ to: string; message: { text?: string } }> = [];
before(async () => {
  rig = await startRig();
  rig.sb.workspace.on('ephemeral', (e: { to: string; message: { text?: string } }) => ephemerals.push(e));
  await pushRunbook(rig, 'deploy', DEPLOY);
});
after(() => rig.close());

const history = async (outcome?: string) =>
  (await rig.server.runtime.triggers.history({ runbookId: 'deploy', triggerId: 'deploy-command', limit: 500 })).filter(
    (e) => outcome === undefined || e.outcome === outcome,
  );

async function threadReplies(channel: string, ts: string): Promise<string[]> {
  const web = new WebClient(rig.sb.credentials.bot_token, { slackApiUrl: `${rig.sb.url}api/` });
  const r = await web.conversations.replies({ channel, ts });
  return (r.messages ?? []).filter((m) => m.ts !== ts).map((m) => String(m.text));
}

test('a matching message from an allowed user starts the runbook with its vars, and the thread says so', async () => {
  const ts = await postAs(rig.sb, 'alice', 'releases', 'deploy 42');
  const [run] = await waitFor('a run', async () =>
    (await runsOf(rig.server, 'Deploy')).length ? runsOf(rig.server, 'Deploy') : undefined,
  );
  assert.ok(run);
  const full = await rig.server.runtime.runtime.store.getRun(run.id);
  assert.equal(full?.vars.release, '42');
  assert.equal(full?.vars.who, `alice in ${channelId(rig.sb, 'releases')}`);
  assert.equal(full?.mode, 'live');
  const channel = channelId(rig.sb, 'releases');
  const replies = await waitFor('the outcome in the thread', async () => {
    const r = await threadReplies(channel, ts);
    return r.length >= 2 ? r : undefined;
  });
  assert.match(
    replies[0] as string,
    new RegExp(`^Run started: <${rig.server.url}/runs/${run.id}\\|Deploy> \\(${run.id}\\)$`),
  );
  assert.match(replies[1] as string, /^Run <.*\|Deploy> :white_check_mark: succeeded\.$/);
  // Exactly once each, however many polls ran since.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await threadReplies(channel, ts)).length, 2);
  const [started] = await history('started');
  assert.equal(started?.runId, run.id);
});

test('a reply claimed by a process that died is looked up in the thread first: posted again only if missing', async () => {
  const [started] = await history('started');
  assert.ok(started?.replyOutcomeTs && started.replyStartedTs);
  const p = started.payload as { channel: string; ts: string };
  const long = new Date(Date.now() - 10 * 60_000).toISOString();
  const forget = () =>
    rig.server.runtime.sql.run(
      'UPDATE trigger_history SET reply_outcome_ts = NULL, reply_outcome_at = ? WHERE id = ?',
      [long, started.id],
    );
  // Posted, but its answer was lost: found by its metadata, not posted again.
  await forget();
  await rig.server.triggers.replies.poll();
  assert.equal((await threadReplies(p.channel, p.ts)).length, 2);
  assert.equal((await rig.server.runtime.triggers.get(started.id))?.replyOutcomeTs, started.replyOutcomeTs);
  // Never posted (the process died after the claim): posted now, once.
  const web = new WebClient(rig.sb.credentials.bot_token, { slackApiUrl: `${rig.sb.url}api/` });
  await web.chat.delete({ channel: p.channel, ts: started.replyOutcomeTs as string });
  assert.equal((await threadReplies(p.channel, p.ts)).length, 1);
  await forget();
  await rig.server.triggers.replies.poll();
  await rig.server.triggers.replies.poll();
  const replies = await threadReplies(p.channel, p.ts);
  assert.equal(replies.length, 2);
  assert.match(replies[1] as string, /succeeded/);
});

test('non-matching text, our own post, a thread reply and a disallowed user start nothing', async () => {
  const before = (await runsOf(rig.server, 'Deploy')).length;
  await postAs(rig.sb, 'alice', 'releases', 'deploy now please');
  const root = await postAs(rig.sb, 'alice', 'incidents', 'looking at it');
  await postAs(rig.sb, 'alice', 'incidents', 'deploy 7', root);
  const web = new WebClient(rig.sb.credentials.bot_token, { slackApiUrl: `${rig.sb.url}api/` });
  await web.chat.postMessage({ channel: channelId(rig.sb, 'releases'), text: 'deploy 8' });
  await postAs(rig.sb, 'bob', 'incidents', 'deploy 9');
  await waitFor('not_allowed and no_match in the history', async () =>
    (await history('not_allowed')).length && (await history('no_match')).length ? true : undefined,
  );
  // Every delivery decided (none left received), then no new run.
  await waitFor('every delivery decided', async () => {
    const all = await rig.server.runtime.triggers.history({ kind: 'slack.event', limit: 500 });
    return all.length >= 6 && all.every((e) => e.outcome !== 'received') ? all : undefined;
  });
  assert.equal((await runsOf(rig.server, 'Deploy')).length, before);
  const [denied] = await history('not_allowed');
  assert.match(denied?.detail ?? '', /may not start this runbook/);
  const events = await rig.server.runtime.triggers.history({ kind: 'slack.event', limit: 500 });
  const details = events.map((e) => `${e.outcome}: ${e.detail}`).join('\n');
  assert.match(details, /ignored: Ev\w+ via http: a message Runwire posted/);
  assert.match(details, /ignored: Ev\w+ via http: a thread reply/);
  // The ephemeral "not allowed" went to bob only.
  const bob = [...rig.sb.workspace.users.values()].find((u) => u.name === 'bob')?.id;
  const notAllowed = await waitFor('the ephemeral', async () => (ephemerals.length ? ephemerals : undefined));
  assert.deepEqual(
    notAllowed.map((e) => [e.to, /^You may not start Deploy from Slack/.test(String(e.message.text))]),
    [[bob, true]],
  );
});

test('a delivery Slack retries (the ack was late) starts one run; the retry is kept as a duplicate', async () => {
  const before = (await runsOf(rig.server, 'Deploy')).length;
  const alice = [...rig.sb.workspace.users.values()].find((u) => u.name === 'alice')?.id;
  const body = {
    type: 'event_callback',
    team_id: rig.sb.workspace.team.id,
    api_app_id: rig.sb.workspace.app.id,
    event_id: 'Ev0RETRIED01',
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'message',
      channel: channelId(rig.sb, 'releases'),
      user: alice,
      text: 'deploy 77',
      ts: `${Math.floor(Date.now() / 1000)}.000200`,
    },
  };
  const sends = await Promise.all(
    [0, 1, 2].map((n) => fetch(`${rig.server.url}/slack/events`, signedEvent(rig.sb, body, n))),
  );
  assert.deepEqual(
    sends.map((r) => r.status),
    [200, 200, 200],
  );
  await waitFor('the run', async () => ((await runsOf(rig.server, 'Deploy')).length > before ? true : undefined));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await runsOf(rig.server, 'Deploy')).length, before + 1);
  const dups = (await rig.server.runtime.triggers.history({ kind: 'slack.event', limit: 500 })).filter(
    (e) => e.outcome === 'duplicate',
  );
  assert.equal(dups.filter((e) => /Ev0RETRIED01/.test(e.detail ?? '')).length, 2);
});

test('a delivery recorded by a process that died before deciding it is decided by the sweep, once', async () => {
  const before = (await runsOf(rig.server, 'Deploy')).length;
  const alice = [...rig.sb.workspace.users.values()].find((u) => u.name === 'alice')?.id;
  const now = Math.floor(Date.now() / 1000);
  const r = await rig.server.runtime.triggers.record({
    kind: 'slack.event',
    connection: 'default',
    dedupeKey: `slack:${rig.sb.workspace.team.id}:Ev0ORPHAN01`,
    outcome: 'received',
    detail: 'Ev0ORPHAN01 via http',
    payload: {
      event_id: 'Ev0ORPHAN01',
      team_id: rig.sb.workspace.team.id,
      event: {
        type: 'message',
        channel: channelId(rig.sb, 'releases'),
        user: alice,
        text: 'deploy 88',
        ts: `${now}.000300`,
      },
    },
  });
  assert.ok(r.inserted);
  // Too recent: left to the process that recorded it.
  assert.equal(await rig.server.triggers.router.sweep(), 0);
  assert.equal(await rig.server.triggers.router.sweep(Date.now() + 31_000), 1);
  assert.equal(await rig.server.triggers.router.sweep(Date.now() + 31_000), 0);
  const runs = await runsOf(rig.server, 'Deploy');
  assert.equal(runs.length, before + 1);
  assert.equal((await rig.server.runtime.triggers.get(r.entry.id))?.outcome, 'started');
});

test('url_verification is answered with the challenge; an unsigned event is a 401 and recorded nowhere', async () => {
  const r = await fetch(
    `${rig.server.url}/slack/events`,
    signedEvent(rig.sb, { type: 'url_verification', token: 't', challenge: 'c-123' }),
  );
  assert.deepEqual(await r.json(), { challenge: 'c-123' });
  const count = (await rig.server.runtime.triggers.history({ limit: 500 })).length;
  const bad = await fetch(`${rig.server.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'event_callback',
      team_id: rig.sb.workspace.team.id,
      event_id: 'Ev0FORGED',
      event: { type: 'message' },
    }),
  });
  assert.equal(bad.status, 401);
  assert.equal((await rig.server.runtime.triggers.history({ limit: 500 })).length, count);
});

test("Slack's ssl_check (form-encoded, signed) gets an empty 200 on every Slack route; unsigned, a 401", async () => {
  const body = 'ssl_check=1&token=legacy-verification-token';
  const count = (await rig.server.runtime.triggers.history({ limit: 500 })).length;
  for (const path of ['/slack/events', '/slack/commands', '/slack/interactivity']) {
    const r = await fetch(`${rig.server.url}${path}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signedHeaders(rig.sb.credentials.signing_secret, Date.now(), body),
      },
    });
    assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
    assert.equal(await r.text(), '', `${path} answers ssl_check with an empty body`);
    const unsigned = await fetch(`${rig.server.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(unsigned.status, 401, path);
  }
  assert.equal((await rig.server.runtime.triggers.history({ limit: 500 })).length, count, 'nothing recorded');
});
