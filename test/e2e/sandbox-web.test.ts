/**
 * The sandbox web page in a real browser (Debian's Chromium through playwright-core): it shows a
 * channel's messages, posts as a chosen user (which fires the app's events), and shows new messages
 * live — from the box and from the Web API — without reloading; and it renders messages the way Slack
 * does (mrkdwn, emoji, links, mentions, thread broadcasts, Block Kit text) without ever running message text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebClient } from '@slack/web-api';
import { startSandbox } from '../../src/sandbox/server.js';
import { launchBrowser } from '../helpers/browser.js';
import { startReceiver } from '../helpers/event-receiver.js';

const SCREENSHOT = '/tmp/runwire-sandbox-web.png';
const FORMAT_SCREENSHOT = '/tmp/runwire-sandbox-web-format.png';

test('the sandbox page shows messages, posts as a user, and updates live', { timeout: 600_000 }, async () => {
  const sb = await startSandbox({ rateLimits: false });
  const receiver = await startReceiver();
  const browser = await launchBrowser();
  try {
    const set = await fetch(`${sb.url}sandbox/app`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request_url: receiver.url, skip_verification: true }),
    });
    assert.equal(set.status, 200);
    const general = [...sb.workspace.channels.values()].find((c) => c.name === 'general')!;
    const bob = [...sb.workspace.users.values()].find((u) => u.name === 'bob')!;

    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${sb.url}#${general.id}`);
    await page.locator('[data-testid=channel-title]', { hasText: 'general' }).waitFor({ timeout: 30_000 });
    // The seeded welcome message is shown.
    await page
      .locator('[data-testid=message-text]', { hasText: 'Welcome to the Runwire sandbox!' })
      .waitFor({ timeout: 30_000 });
    // The sidebar lists public, private, archived channels and DMs' section headers as they exist.
    const sidebar = await page.locator('[data-testid=channel-list]').innerText();
    for (const name of ['general', 'security', 'old-project'])
      assert.ok(sidebar.includes(name), `sidebar shows ${name}`);
    await page.locator('[data-testid=live-state].on').waitFor({ timeout: 30_000 });
    // A marker that a reload would wipe: everything below must arrive without one.
    await page.evaluate(() => {
      (globalThis as unknown as { __noReload: boolean }).__noReload = true;
    });

    // Post as Bob through the box: it lands in the workspace and fires the app's event.
    await page.selectOption('[data-testid=post-user]', bob.id);
    await page.fill('[data-testid=post-text]', 'Typed in the sandbox page');
    await page.click('[data-testid=post-send]');
    await page
      .locator('[data-testid=message]', { hasText: 'Typed in the sandbox page' })
      .locator('.author', { hasText: 'Bob Baker' })
      .waitFor({ timeout: 30_000 });
    const stored = sb.workspace.allMessages(general.id).find((m) => m.text === 'Typed in the sandbox page');
    assert.equal(stored?.user, bob.id);
    const [event] = await receiver.waitFor(1);
    assert.equal(event!.json.event.text, 'Typed in the sandbox page');
    assert.equal(event!.json.event.user, bob.id);

    // The app speaks through the Web API: the page shows it live, marked as the app's, rehearsal visible.
    const web = new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    // A DM the app opens appears in the sidebar live, flagged unread.
    const dm = await web.conversations.open({ users: bob.id });
    await web.chat.postMessage({ channel: dm.channel!.id!, text: 'Your approval is needed for step 5' });
    await page.locator(`[data-channel="${dm.channel!.id!}"].unread`).waitFor({ timeout: 30_000 });
    const posted = await web.chat.postMessage({
      channel: general.id,
      text: '[REHEARSAL] Step 3: switch traffic to the new cluster',
    });
    const appMsg = page.locator('[data-testid=message]', { hasText: 'Step 3: switch traffic' });
    await appMsg.locator('[data-testid=app-badge]').waitFor({ timeout: 30_000 });
    await appMsg.locator('[data-testid=rehearsal-badge]').waitFor({ timeout: 30_000 });

    // A thread reply is shown indented under its parent; an edit shows "(edited)".
    await web.chat.postMessage({
      channel: general.id,
      thread_ts: posted.ts!,
      text: 'Traffic switched, error rate flat',
    });
    await page.locator('.msg.reply', { hasText: 'Traffic switched, error rate flat' }).waitFor({ timeout: 30_000 });
    await web.chat.postMessage({ channel: general.id, text: 'Step 4: verify dashboards (running)' });
    const live = await web.chat.postMessage({ channel: general.id, text: 'Status: 3 of 5 steps done' });
    await web.chat.update({ channel: general.id, ts: live.ts!, text: 'Status: 4 of 5 steps done' });
    await page
      .locator('[data-testid=message-text]', { hasText: 'Status: 4 of 5 steps done' })
      .locator('.edited')
      .waitFor({ timeout: 30_000 });

    // Posting as a user in a thread from the page.
    await page.locator('[data-testid=message]', { hasText: 'Step 3: switch traffic' }).locator('[data-reply]').click();
    await page.fill('[data-testid=post-text]', 'Looks good from support');
    await page.click('[data-testid=post-send]');
    await page.locator('.msg.reply', { hasText: 'Looks good from support' }).waitFor({ timeout: 30_000 });
    const reply = sb.workspace.allMessages(general.id).find((m) => m.text === 'Looks good from support');
    assert.equal(reply?.thread_ts, posted.ts);

    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload),
      true,
      'updates arrived without a reload',
    );
    // The DM's messages show when it is selected; then back to #general for the screenshot.
    await page.click(`[data-channel="${dm.channel!.id!}"]`);
    await page
      .locator('[data-testid=message-text]', { hasText: 'Your approval is needed for step 5' })
      .waitFor({ timeout: 30_000 });
    await page.click(`[data-channel="${general.id}"]`);
    await page
      .locator('[data-testid=message-text]', { hasText: 'Looks good from support' })
      .waitFor({ timeout: 30_000 });
    assert.deepEqual(pageErrors, []);
    await page.mouse.move(700, 240);
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
  } finally {
    await browser.close();
    await sb.close();
    await receiver.close();
  }
});

test('the sandbox page renders Slack formatting, emoji, links, broadcasts and blocks — and never runs message text', {
  timeout: 600_000,
}, async () => {
  const sb = await startSandbox({ rateLimits: false });
  const browser = await launchBrowser();
  try {
    const releases = [...sb.workspace.channels.values()].find((c) => c.name === 'releases')!;
    const alice = [...sb.workspace.users.values()].find((u) => u.name === 'alice')!;
    const web = new WebClient(sb.credentials.bot_token, { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } });
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${sb.url}#${releases.id}`);
    await page.locator('[data-testid=channel-title]', { hasText: 'releases' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=live-state].on').waitFor({ timeout: 30_000 });

    // The example runbook's announcement, with a link and a mention added.
    const parent = await web.chat.postMessage({
      channel: releases.id,
      text: `:rocket: *Release 42* cutover is starting (run \`r_demo\`) — see <https://example.com/runbook|the runbook>, cc <@${alice.id}>`,
    });
    const announce = page.locator('.msg:not(.reply)', { hasText: 'cutover is starting' });
    await announce.locator('[data-testid=message-text] b', { hasText: 'Release 42' }).waitFor({ timeout: 30_000 });
    assert.equal(await announce.locator('.emoji[title=":rocket:"]').innerText(), '🚀');
    assert.equal(await announce.locator('[data-testid=message-text] code').innerText(), 'r_demo');
    const link = announce.locator('a', { hasText: 'the runbook' });
    assert.equal(await link.getAttribute('href'), 'https://example.com/runbook');
    assert.equal(await announce.locator('.mention').innerText(), '@alice');
    // Nothing of the markup is left as characters.
    const shown = await announce.locator('[data-testid=message-text]').innerText();
    assert.ok(!/[*`<>]|:rocket:/.test(shown), `formatted text shows no markup: ${shown}`);

    // A plain reply stays in the thread; a broadcast reply is in the thread and in the channel.
    await web.chat.postMessage({
      channel: releases.id,
      thread_ts: parent.ts!,
      text: 'api deployed :white_check_mark:',
    });
    await web.chat.postMessage({
      channel: releases.id,
      thread_ts: parent.ts!,
      reply_broadcast: true,
      text: ':tada: Release 42 is live.',
    });
    const inThread = page.locator('.msg.reply', { hasText: 'Release 42 is live.' });
    await inThread.locator('[data-testid=also-sent]').waitFor({ timeout: 30_000 });
    const inChannel = page.locator('.msg.broadcast:not(.reply)', { hasText: 'Release 42 is live.' });
    await inChannel.waitFor({ timeout: 30_000 });
    assert.match(
      await inChannel.locator('[data-testid=broadcast-head]').innerText(),
      /replied to a thread: 🚀 Release 42 cutover is starting/,
    );
    assert.equal(await inChannel.locator('[data-testid=message-text] .emoji').innerText(), '🎉');
    assert.equal(
      await page.locator('.msg:not(.reply)', { hasText: 'api deployed' }).count(),
      0,
      'a plain reply is not in the channel list',
    );
    // Replying to the broadcast copy replies in its thread.
    await inChannel.locator('[data-reply]').click();
    await page.fill('[data-testid=post-text]', 'Congrats *team* :fire:');
    await page.click('[data-testid=post-send]');
    await page
      .locator('.msg.reply', { hasText: 'Congrats team' })
      .locator('b', { hasText: 'team' })
      .waitFor({ timeout: 30_000 });
    assert.equal(
      sb.workspace.allMessages(releases.id).find((m) => m.text === 'Congrats *team* :fire:')?.thread_ts,
      parent.ts,
    );

    // Block Kit: the blocks' text is shown instead of the fallback text.
    await web.chat.postMessage({
      channel: releases.id,
      text: 'fallback only',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Release 42 summary' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Status:* :white_check_mark: deployed' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'took 4 minutes' }] },
      ],
    });
    const blocks = page.locator('[data-testid=blocks]', { hasText: 'Release 42 summary' });
    await blocks.waitFor({ timeout: 30_000 });
    assert.equal(await blocks.locator('b').first().innerText(), 'Status:');
    assert.ok((await blocks.innerText()).includes('✅ deployed'));
    assert.ok((await blocks.innerText()).includes('took 4 minutes'));
    assert.equal(await page.locator('[data-testid=message]', { hasText: 'fallback only' }).count(), 0);

    // Message text that looks like HTML is shown as text and never runs — from the API and typed by a person.
    const attack =
      '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> &lt;img src=y onerror=window.__xss=3&gt;';
    await web.chat.postMessage({ channel: releases.id, text: attack });
    await page.selectOption('[data-testid=post-user]', alice.id);
    await page.fill('[data-testid=post-text]', '<img src=z onerror="window.__xss = 4"> typed by alice');
    await page.click('[data-testid=post-send]');
    const typed = page.locator('[data-testid=message-text]', { hasText: 'typed by alice' });
    await typed.waitFor({ timeout: 30_000 });
    assert.equal(await typed.innerText(), '<img src=z onerror="window.__xss = 4"> typed by alice');
    const apiText = await page.locator('[data-testid=message-text]', { hasText: 'window.__xss = 1' }).innerText();
    assert.equal(
      apiText,
      '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> <img src=y onerror=window.__xss=3>',
    );
    assert.equal(await page.locator('[data-testid=messages] img, [data-testid=messages] script').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);

    // A permalink the sandbox hands out opens the page at that message, highlighted.
    const link2 = await web.chat.getPermalink({ channel: releases.id, message_ts: parent.ts! });
    await page.goto(link2.permalink!);
    await page.locator(`.msg.focused[data-ts="${parent.ts!}"]`).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.msg.focused').count(), 1);

    assert.deepEqual(pageErrors, []);
    await page.locator('[data-testid=messages]').evaluate((box) => {
      box.scrollTop = 0;
    });
    await page.screenshot({ path: FORMAT_SCREENSHOT, fullPage: false });
  } finally {
    await browser.close();
    await sb.close();
  }
});
