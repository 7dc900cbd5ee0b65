/**
 * Bots and triggers, as Slack delivers their messages: a post Runwire's app makes with its bot token
 * arrives with `bot_id`, `app_id`, `bot_profile` and the bot user (no subtype), a post through its
 * incoming webhook as the legacy `bot_message` with `bot_id` and no user. Neither starts a run, even
 * for a trigger with `bots: true` (Runwire tells its own posts by the bot user of the event's
 * `authorizations` / auth.test and by auth.test's `bot_id`). Another app's bot starts a run only
 * where the trigger says `bots: true`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebClient } from '@slack/web-api';
import { IncomingWebhook } from '@slack/webhook';
import { channelId, pushRunbook, type Rig, runsOf, startRig, waitFor } from './harness.js';

const runbook = (name: string, word: string, bots: boolean) => `name: ${name}
vars: { n: "0" }
triggers:
  - id: on-post
    type: slack.message
    channel: "#releases"
    match: '^${word} (?<n>\\d+)$'
${bots ? '    bots: true\n' : ''}tasks:
  - id: note
    type: milestone
`;

let rig: Rig;
before(async () => {
  rig = await startRig();
  await pushRunbook(rig, 'from-bots', runbook('From bots', 'ship', true));
  await pushRunbook(rig, 'from-people', runbook('From people', 'ship', false));
});
after(() => rig.close());

const eventsDecided = (n: number) =>
  waitFor(`${n} deliveries decided`, async () => {
    const all = await rig.server.runtime.triggers.history({ kind: 'slack.event', limit: 500 });
    return all.length >= n && all.every((e) => e.outcome !== 'received') ? all : undefined;
  });

test("Runwire's own posts (bot token and incoming webhook) start nothing, even where bots: true", async () => {
  const releases = channelId(rig.sb, 'releases');
  const web = new WebClient(rig.sb.credentials.bot_token, { slackApiUrl: `${rig.sb.url}api/` });
  await web.chat.postMessage({ channel: releases, text: 'ship 1' });
  const hook = (await (
    await fetch(`${rig.sb.url}sandbox/webhooks`, { method: 'POST', body: JSON.stringify({ channel: releases }) })
  ).json()) as { url: string };
  await new IncomingWebhook(hook.url).send({ text: 'ship 2' });
  const events = await eventsDecided(2);
  assert.deepEqual(
    events.map((e) => e.detail?.replace(/^Ev\w+ via http: /, '')),
    ['a message Runwire posted', 'a message Runwire posted'],
  );
  assert.equal((await runsOf(rig.server, 'From bots')).length, 0);
  assert.equal((await runsOf(rig.server, 'From people')).length, 0);
});

test("another app's bot starts a run only where the trigger says bots: true", async () => {
  const other = (await (
    await fetch(`${rig.sb.url}sandbox/bots`, {
      method: 'POST',
      body: JSON.stringify({ name: 'deploybot', channels: ['#releases'] }),
    })
  ).json()) as { token: string; bot_id: string };
  const web = new WebClient(other.token, { slackApiUrl: `${rig.sb.url}api/` });
  await web.chat.postMessage({ channel: channelId(rig.sb, 'releases'), text: 'ship 3' });
  const [run] = await waitFor('a run from the bot', async () => {
    const runs = await runsOf(rig.server, 'From bots');
    return runs.length ? runs : undefined;
  });
  const full = await rig.server.runtime.runtime.store.getRun(run!.id);
  assert.equal(full?.vars.n, '3');
  await eventsDecided(3);
  assert.equal((await runsOf(rig.server, 'From people')).length, 0);
  assert.equal((await runsOf(rig.server, 'From bots')).length, 1);
});
