/** The sandbox web page's stylesheet: a quiet, Slack-like two-pane layout. */
export const PAGE_CSS = `
:root { --side:#3f0e40; --side-hi:#1164a3; --side-text:#cfc3cf; --line:#e5e5e5; --muted:#616061;
  --app:#007a5a; --rehearsal:#b35900; font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; color: #1d1c1d; background: #fff; font-size: 15px; }
.app { display: grid; grid-template-columns: 260px 1fr; height: 100vh; }
.sidebar { background: var(--side); color: var(--side-text); overflow-y: auto; padding-bottom: 16px; }
.team { padding: 14px 16px 12px; border-bottom: 1px solid rgba(255,255,255,.12); }
.team-name { color: #fff; font-weight: 700; font-size: 17px; }
.team-sub { font-size: 12px; margin-top: 2px; }
.live { color: #888; font-size: 10px; vertical-align: 1px; }
.live.on { color: #2bac76; }
.group-title { text-transform: uppercase; letter-spacing: .04em; font-size: 11px; font-weight: 700;
  padding: 14px 16px 4px; color: rgba(255,255,255,.55); }
.chan { display: flex; align-items: center; gap: 6px; width: 100%; text-align: left; border: 0; background: none;
  color: var(--side-text); padding: 4px 16px; font: inherit; cursor: pointer; }
.chan:hover { background: rgba(0,0,0,.2); }
.chan.active { background: var(--side-hi); color: #fff; }
.chan.unread { color: #fff; font-weight: 700; }
.chan .sigil { width: 14px; text-align: center; opacity: .8; flex: none; }
.chan .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chan.archived { opacity: .6; font-style: italic; }
.chan .bot-in { margin-left: auto; font-size: 10px; border: 1px solid rgba(255,255,255,.35); border-radius: 3px; padding: 0 3px; }
.main { display: flex; flex-direction: column; min-width: 0; height: 100vh; }
.channel-head { display: flex; justify-content: space-between; align-items: center; gap: 12px;
  padding: 10px 20px; border-bottom: 1px solid var(--line); min-height: 58px; }
.channel-head h1 { margin: 0; font-size: 18px; }
.topic, .meta { color: var(--muted); font-size: 13px; }
.messages { flex: 1; overflow-y: auto; padding: 12px 0; }
.empty { color: var(--muted); padding: 24px 20px; }
.msg { display: grid; grid-template-columns: 36px 1fr; gap: 10px; padding: 6px 20px; }
.msg:hover { background: #f8f8f8; }
.msg.reply { margin-left: 46px; padding-left: 14px; border-left: 3px solid #e0e0e0; }
.avatar { width: 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: 700; display: grid; place-items: center; font-size: 15px; }
.msg.reply .avatar { width: 26px; height: 26px; font-size: 12px; }
.head { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
.author { font-weight: 700; }
.time { color: var(--muted); font-size: 12px; }
.badge { font-size: 10px; font-weight: 700; text-transform: uppercase; border-radius: 3px; padding: 1px 4px; letter-spacing: .03em; }
.badge-app { background: #e8f5ef; color: var(--app); }
.badge-rehearsal { background: #fff1e0; color: var(--rehearsal); border: 1px solid #f2c38f; }
.msg.rehearsal { background: #fffaf3; }
.msg.focused { background: #fef6d8; box-shadow: inset 3px 0 0 #ecb22e; }
.text { white-space: pre-wrap; word-wrap: break-word; line-height: 1.45; }
.text code { background: #f4f4f4; border: 1px solid #e3e3e3; border-radius: 3px; padding: 0 3px; font-size: 13px; }
.text a { color: #1264a3; text-decoration: none; }
.text a:hover { text-decoration: underline; }
.text pre { white-space: pre-wrap; margin: 4px 0; padding: 8px 10px; background: #f8f8f8; border: 1px solid #e3e3e3;
  border-radius: 4px; font-size: 12px; line-height: 1.5; font-family: Monaco, Menlo, Consolas, "Courier New", monospace; }
.text code { font-family: Monaco, Menlo, Consolas, "Courier New", monospace; color: #c01343; }
.text blockquote { margin: 2px 0; padding-left: 10px; border-left: 4px solid #ddd; }
.emoji { font-family: "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif; font-size: 1.15em; line-height: 1; vertical-align: -1px; }
.broadcast-head { grid-column: 1 / -1; color: var(--muted); font-size: 12px; margin: 0 0 2px 46px; }
.broadcast-parent { color: #1264a3; display: inline-block; max-width: min(60ch, 70%); overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; vertical-align: bottom; }
.broadcast-parent a { color: inherit; }
.also-sent { color: var(--muted); font-size: 12px; margin-top: 2px; }
.blocks { line-height: 1.45; }
.block-header { font-weight: 700; font-size: 17px; margin: 2px 0 4px; }
.block-section { margin: 2px 0; }
.block-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 4px; }
.block-context { color: var(--muted); font-size: 12px; margin: 3px 0; }
.block-divider { border: 0; border-top: 1px solid var(--line); margin: 6px 0; }
.block-actions { display: flex; gap: 6px; flex-wrap: wrap; margin: 4px 0; }
.block-button { border: 1px solid #bbb; border-radius: 4px; padding: 2px 10px; font-size: 13px; font-weight: 600; background: #fff; color: #1d1c1d; cursor: pointer; text-decoration: none; margin-right: 6px; }
button.block-button:hover { background: #f4f4f4; }
.block-button.style-primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.block-button.style-danger { background: #fff; border-color: #e01e5a; color: #a3153f; }
.msg.ephemeral { background: #f8f8f8; border-left: 3px solid #aaa; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.edited { color: var(--muted); font-size: 12px; }
.actions { font-size: 12px; margin-top: 2px; }
.reply-link { margin-left: auto; font-size: 12px; opacity: 0; transition: opacity .1s; }
.msg:hover .reply-link, .reply-link:focus { opacity: 1; }
.link { border: 0; background: none; color: #1264a3; cursor: pointer; padding: 0; font: inherit; }
.link:hover { text-decoration: underline; }
.thread-count { color: #1264a3; font-size: 12px; font-weight: 600; }
.composer { border-top: 1px solid var(--line); padding: 10px 20px 14px; }
.composer-row { display: flex; gap: 8px; align-items: center; }
.as-user { color: var(--muted); font-size: 13px; display: flex; gap: 6px; align-items: center; white-space: nowrap; }
select, input[type=text] { font: inherit; padding: 7px 9px; border: 1px solid #bbb; border-radius: 6px; }
input[type=text] { flex: 1; min-width: 0; }
button[type=submit] { font: inherit; font-weight: 700; color: #fff; background: var(--app); border: 0;
  border-radius: 6px; padding: 8px 16px; cursor: pointer; }
button[type=submit]:disabled { background: #9bbfb1; cursor: default; }
.reply-note { font-size: 12px; color: var(--muted); margin-bottom: 6px; }
.composer-error { color: #c01343; font-size: 13px; min-height: 1em; margin-top: 4px; }
`;
