/**
 * The sandbox web page's HTML shell. Static: the script fills it from `/sandbox/web/*`.
 * Served at `/` so a person can watch runbooks speak and post as a user by hand.
 */
import { PAGE_CSS } from './page-css.js';
import { PAGE_SCRIPT } from './page-script.js';
import { emojiTable } from './emoji.js';
import { renderMrkdwn } from './mrkdwn.js';

/**
 * The formatter and its emoji table, as script text: the same function the unit tests call,
 * serialised (it is self-contained by design), so the page needs no build step.
 */
function formatterScript(): string {
  // JSON of names and emoji cannot contain "</script"; escape "<" anyway so no table change can break out.
  const table = JSON.stringify(emojiTable()).replace(/</g, '\\u003c');
  return `var EMOJI = ${table};\nvar renderMrkdwn = (${renderMrkdwn.toString()});\n`;
}

/** The whole page as one self-contained document (no build step, no external assets). */
export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Runwire Slack sandbox</title>
<link rel="icon" href="data:,">
<style>${PAGE_CSS}</style>
</head>
<body>
<div class="app">
  <aside class="sidebar">
    <header class="team">
      <div id="team-name" class="team-name" data-testid="team-name">Slack sandbox</div>
      <div class="team-sub">Runwire · local workspace <span id="live-state" class="live" data-testid="live-state" title="live updates">●</span></div>
    </header>
    <nav id="channel-list" data-testid="channel-list" aria-label="Conversations"></nav>
  </aside>
  <main class="main">
    <header class="channel-head">
      <div>
        <h1 id="channel-title" data-testid="channel-title">Select a conversation</h1>
        <div id="channel-topic" class="topic"></div>
      </div>
      <div id="channel-meta" class="meta"></div>
    </header>
    <section id="messages" class="messages" data-testid="messages" aria-live="polite"></section>
    <form id="composer" class="composer" data-testid="composer" autocomplete="off">
      <div id="reply-note" class="reply-note" hidden>
        Replying in thread <button type="button" id="reply-cancel" class="link">cancel</button>
      </div>
      <div class="composer-row">
        <label class="as-user">Post as
          <select id="post-user" data-testid="post-user"></select>
        </label>
        <input id="post-text" data-testid="post-text" type="text" placeholder="Message, or a /command" maxlength="4000">
        <button id="post-send" data-testid="post-send" type="submit">Send</button>
      </div>
      <div id="composer-error" class="composer-error" data-testid="composer-error" role="alert"></div>
    </form>
  </main>
</div>
<script>${formatterScript()}${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
