/**
 * The sandbox web page's browser script (plain ES2020, no build step). It reads
 * `/sandbox/web/state` and `/sandbox/web/messages`, follows `/sandbox/web/stream` (Server-Sent
 * Events) to stay live, and posts through `/sandbox/web/post`. Kept free of backticks and `${`
 * because it lives inside a template string.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var state = { team: null, app: null, users: {}, channels: [], current: null, threadTs: null, unread: {}, focusTs: null };
  var el = function (id) { return document.getElementById(id); };
  var COLORS = ['#e01e5a', '#2eb67d', '#ecb22e', '#36c5f0', '#4a154b', '#1264a3', '#b35900', '#5a7d0a'];

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function userName(id) { var u = state.users[id]; return u ? (u.real_name || u.name) : id; }
  function colorFor(id) { var h = 0; for (var i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0; return COLORS[h % COLORS.length]; }

  /** Slack mrkdwn as safe HTML: renderMrkdwn and EMOJI come from the page (see page-html.ts). */
  var mrkdwnContext = {
    userName: function (id) { var u = state.users[id]; return u ? u.name : undefined; },
    channelName: function (id) { var c = state.channels.find(function (x) { return x.id === id; }); return c && c.name ? c.name : undefined; },
    emoji: function (name) { return Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : undefined; }
  };
  function renderText(text) { return renderMrkdwn(text || '', mrkdwnContext); }
  /** A Block Kit text object: mrkdwn is formatted, plain_text is shown as written (emoji still drawn, as Slack does). */
  function blockText(t) {
    if (t.mrkdwn) return renderText(t.text);
    return esc(t.text).replace(/:([a-z0-9_+'-]+):/g, function (all, name) { var e = mrkdwnContext.emoji(name); return e ? esc(e) : all; });
  }
  function blocksHtml(blocks) {
    return '<div class="blocks" data-testid="blocks">' + blocks.map(function (b) {
      if (b.kind === 'header') return '<div class="block-header">' + blockText(b.text) + '</div>';
      if (b.kind === 'section') {
        return '<div class="block-section">' + (b.text ? '<div class="text">' + blockText(b.text) + '</div>' : '') +
          (b.fields.length ? '<div class="block-fields">' + b.fields.map(function (f) { return '<div class="text">' + blockText(f) + '</div>'; }).join('') + '</div>' : '') + '</div>';
      }
      if (b.kind === 'context') return '<div class="block-context">' + b.items.map(function (t) { return '<span>' + blockText(t) + '</span>'; }).join(' · ') + '</div>';
      if (b.kind === 'divider') return '<hr class="block-divider">';
      if (b.kind === 'actions') return '<div class="block-actions">' + (b.buttons && b.buttons.length ? b.buttons.map(function (x) {
        if (x.url) return '<a class="block-button" target="_blank" rel="noopener noreferrer" href="' + esc(x.url) + '">' + esc(x.label) + '</a>';
        return '<button type="button" class="block-button' + (x.style ? ' style-' + esc(x.style) : '') + '" data-action="' + esc(x.action_id) + '" data-block="' + esc(x.block_id) + '">' + esc(x.label) + '</button>';
      }).join('') : b.labels.map(function (l) { return '<span class="block-button">' + esc(l) + '</span>'; }).join('')) + '</div>';
      if (b.kind === 'image') return '<div class="block-context">[image: ' + esc(b.alt) + ']</div>';
      return '';
    }).join('') + '</div>';
  }
  /** The first line of a thread's parent (the stylesheet cuts it short, so markup is never cut in half). */
  function snippet(text) { return String(text || '').split('\n')[0]; }
  function timeOf(ts) {
    var d = new Date(Number(ts) * 1000);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function channelLabel(c) { return c.label || c.name || c.id; }
  /** A padlock drawn inline: emoji fonts are not guaranteed on the machines that open this page. */
  var LOCK = '<svg width="11" height="12" viewBox="0 0 11 12" aria-label="private"><rect x="1" y="5" width="9" height="7" rx="1.5" fill="currentColor"/>' +
    '<path d="M3 5V3.5a2.5 2.5 0 0 1 5 0V5" stroke="currentColor" stroke-width="1.5" fill="none"/></svg>';
  function sigil(c) {
    if (c.type === 'im') return '●';
    if (c.type === 'mpim') return '◆';
    return c.type === 'group' ? LOCK : '#';
  }

  function renderChannels() {
    var groups = [
      ['Channels', function (c) { return c.type === 'channel' && !c.is_archived; }],
      ['Private channels', function (c) { return c.type === 'group' && !c.is_archived; }],
      ['Direct messages', function (c) { return c.type === 'im' || c.type === 'mpim'; }],
      ['Archived', function (c) { return c.is_archived; }]
    ];
    var html = '';
    groups.forEach(function (g) {
      var list = state.channels.filter(g[1]);
      if (!list.length) return;
      html += '<div class="group-title">' + esc(g[0]) + '</div>';
      list.forEach(function (c) {
        var cls = 'chan' + (c.id === state.current ? ' active' : '') + (state.unread[c.id] ? ' unread' : '') + (c.is_archived ? ' archived' : '');
        html += '<button type="button" class="' + cls + '" data-channel="' + esc(c.id) + '" data-name="' + esc(c.name || '') + '">' +
          '<span class="sigil">' + sigil(c) + '</span><span class="name">' + esc(channelLabel(c)) + '</span>' +
          (c.bot_is_member && c.type !== 'im' ? '<span class="bot-in" title="the app is a member">app</span>' : '') + '</button>';
      });
    });
    el('channel-list').innerHTML = html;
  }

  function messageHtml(m, isReply) {
    var u = state.users[m.user] || {};
    var isApp = !!m.bot_id || !!u.is_bot;
    var author = m.username || (u.real_name || u.name || m.user || 'unknown');
    var rehearsal = /^\s*\[REHEARSAL\]/i.test(m.text || '');
    var text = rehearsal ? (m.text || '').replace(/^\s*\[REHEARSAL\]\s*/i, '') : m.text;
    var broadcast = m.broadcast_of;
    var replies = !isReply && !broadcast && m.reply_count ? '<span class="thread-count">' + m.reply_count + (m.reply_count === 1 ? ' reply' : ' replies') + '</span> ' : '';
    return '<div class="msg' + (isReply ? ' reply' : '') + (broadcast ? ' broadcast' : '') + (rehearsal ? ' rehearsal' : '') + (isApp ? ' from-app' : '') +
      '" data-ts="' + esc(m.ts) + '" data-testid="message">' +
      (broadcast ? '<div class="broadcast-head" data-testid="broadcast-head">replied to a thread: <span class="broadcast-parent">' + renderText(snippet(broadcast.parent_text)) + '</span></div>' : '') +
      '<div class="avatar" style="background:' + colorFor(m.user || author) + '">' + esc(author.charAt(0).toUpperCase()) + '</div>' +
      '<div><div class="head"><span class="author">' + esc(author) + '</span>' +
      (isApp ? '<span class="badge badge-app" data-testid="app-badge">App</span>' : '') +
      (rehearsal ? '<span class="badge badge-rehearsal" data-testid="rehearsal-badge">Rehearsal</span>' : '') +
      '<span class="time" title="' + esc(m.ts) + '">' + esc(timeOf(m.ts)) + '</span>' +
      (isReply ? '' : '<button type="button" class="link reply-link" data-reply="' + esc(broadcast ? broadcast.thread_ts : m.ts) + '">Reply in thread</button>') + '</div>' +
      (m.view_blocks ? blocksHtml(m.view_blocks) + (m.edited ? '<span class="edited" data-testid="edited">(edited)</span>' : '') :
        '<div class="text" data-testid="message-text">' + renderText(text) +
        (m.edited ? ' <span class="edited" data-testid="edited">(edited)</span>' : '') + '</div>') +
      (isReply && m.reply_broadcast ? '<div class="also-sent" data-testid="also-sent">Also sent to the channel</div>' : '') +
      (replies ? '<div class="actions">' + replies + '</div>' : '') + '</div></div>';
  }

  /** Ephemeral messages are shown only to the person they are for (the one chosen to post as). */
  function ephemeralHtml(m) {
    return '<div class="msg ephemeral from-app" data-testid="ephemeral"><div class="avatar" style="background:' + colorFor(m.user || '') + '">' +
      esc(userName(m.user).charAt(0).toUpperCase()) + '</div><div>' +
      '<div class="head"><span class="author">' + esc(userName(m.user)) + '</span><span class="badge">Only visible to you</span>' +
      '<span class="time">' + esc(timeOf(m.ts)) + '</span></div>' +
      (m.view_blocks ? blocksHtml(m.view_blocks) : '<div class="text" data-testid="message-text">' + renderText(m.text) + '</div>') + '</div></div>';
  }

  function renderMessages(messages, ephemerals) {
    var box = el('messages');
    var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    if (!messages.length) { box.innerHTML = '<div class="empty">No messages yet.</div>'; return; }
    var me = el('post-user').value;
    box.innerHTML = messages.map(function (m) {
      return messageHtml(m, false) + (m.replies || []).map(function (r) { return messageHtml(r, true); }).join('');
    }).join('') + (ephemerals || []).filter(function (e) { return e.to === me; }).map(ephemeralHtml).join('');
    if (atBottom || box.dataset.channel !== state.current) box.scrollTop = box.scrollHeight;
    box.dataset.channel = state.current;
    // Opened from a permalink: show that message once, highlighted, as Slack does.
    if (state.focusTs) {
      var target = box.querySelector('[data-ts="' + CSS.escape(state.focusTs) + '"]');
      state.focusTs = null;
      if (target) { target.classList.add('focused'); target.scrollIntoView({ block: 'center' }); }
    }
  }

  function getJson(url) {
    return fetch(url, { headers: { accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok || body.ok === false) throw new Error(body.error || ('HTTP ' + r.status)); return body; });
    });
  }

  var loading = 0;
  function loadMessages() {
    if (!state.current) return Promise.resolve();
    var seq = ++loading; var channel = state.current;
    return getJson('/sandbox/web/messages?channel=' + encodeURIComponent(channel)).then(function (body) {
      if (seq === loading && channel === state.current) renderMessages(body.messages, body.ephemerals);
    }).catch(function (e) { el('messages').innerHTML = '<div class="empty">Could not load messages: ' + esc(e.message) + '</div>'; });
  }

  function select(id) {
    var c = state.channels.find(function (x) { return x.id === id; });
    if (!c) return;
    state.current = id; state.threadTs = null; delete state.unread[id];
    el('reply-note').hidden = true;
    el('channel-title').innerHTML = (c.type === 'channel' ? '# ' : c.type === 'group' ? LOCK + ' ' : '') + esc(channelLabel(c));
    el('channel-topic').textContent = c.topic || c.purpose || '';
    el('channel-meta').textContent = (c.is_archived ? 'archived · ' : '') + (c.num_members || 0) + ' members' + (c.bot_is_member ? ' · app is a member' : '');
    el('post-text').disabled = c.is_archived; el('post-send').disabled = c.is_archived;
    if (location.hash !== '#' + id) history.replaceState(null, '', '#' + id);
    renderChannels();
    return loadMessages();
  }

  function loadState() {
    return getJson('/sandbox/web/state').then(function (body) {
      state.team = body.team; state.app = body.app; state.users = {};
      body.users.forEach(function (u) { state.users[u.id] = u; });
      state.channels = body.channels;
      el('team-name').textContent = body.team.name;
      var sel = el('post-user'); var keep = sel.value;
      sel.innerHTML = body.users.filter(function (u) { return !u.is_bot && !u.deleted; }).map(function (u) {
        return '<option value="' + esc(u.id) + '" data-name="' + esc(u.name) + '">' + esc(u.real_name || u.name) + ' (@' + esc(u.name) + ')</option>';
      }).join('');
      if (keep) sel.value = keep;
      // #C123, or #C123/1700000000.123456 from a permalink.
      var hash = location.hash.slice(1).split('/');
      var wanted = hash[0];
      if (hash[1] && !state.current) state.focusTs = hash[1];
      var first = state.channels.find(function (c) { return c.id === wanted; }) || state.channels.find(function (c) { return c.is_general; }) || state.channels[0];
      if (first && !state.current) return select(first.id);
      renderChannels();
    });
  }

  function connectStream() {
    var es = new EventSource('/sandbox/web/stream');
    es.onopen = function () { el('live-state').classList.add('on'); };
    es.onerror = function () { el('live-state').classList.remove('on'); };
    es.addEventListener('change', function (ev) {
      var data = JSON.parse(ev.data);
      if (data.channel === state.current) loadMessages();
      else if (!state.channels.some(function (c) { return c.id === data.channel; })) { state.unread[data.channel] = true; loadState(); }
      else { state.unread[data.channel] = true; renderChannels(); }
    });
    // After a workspace reset the channel list and the open channel's messages are both stale.
    es.addEventListener('channels', function () { loadState().then(loadMessages); });
  }

  el('channel-list').addEventListener('click', function (ev) {
    var b = ev.target.closest('[data-channel]'); if (b) select(b.dataset.channel);
  });
  el('messages').addEventListener('click', function (ev) {
    var act = ev.target.closest('[data-action]');
    if (act) {
      var msg = act.closest('[data-ts]');
      act.disabled = true; el('composer-error').textContent = '';
      fetch('/sandbox/interactivity/click', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: el('post-user').value, channel: state.current, ts: msg.dataset.ts, action_id: act.dataset.action, block_id: act.dataset.block }) })
        .then(function (r) { return r.json(); })
        .then(function (res) { if (!res.ok) throw new Error(res.detail || res.error); if (!res.acked) throw new Error('the app did not answer in time'); })
        .catch(function (e) { el('composer-error').textContent = 'Click not delivered: ' + e.message; })
        .finally(function () { act.disabled = false; });
      return;
    }
    var b = ev.target.closest('[data-reply]'); if (!b) return;
    state.threadTs = b.dataset.reply; el('reply-note').hidden = false; el('post-text').focus();
  });
  // Ephemeral messages belong to one person: switching who posts shows theirs.
  el('post-user').addEventListener('change', function () { loadMessages(); });
  el('reply-cancel').addEventListener('click', function () { state.threadTs = null; el('reply-note').hidden = true; });
  el('composer').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = el('post-text').value;
    if (!text.trim() || !state.current) return;
    el('post-send').disabled = true; el('composer-error').textContent = '';
    var body = { channel: state.current, user: el('post-user').value, text: text };
    if (state.threadTs) body.thread_ts = state.threadTs;
    // A slash command goes to the app, as Slack sends it; the app's answer appears in the channel.
    var isCommand = /^\/[a-z0-9_-]+/i.test(text.trim()) && !state.threadTs;
    fetch(isCommand ? '/sandbox/interactivity/command' : '/sandbox/web/post', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (!res.ok) throw new Error(res.detail || res.error || 'post failed');
        el('post-text').value = ''; state.threadTs = null; el('reply-note').hidden = true; return loadMessages();
      })
      .catch(function (e) { el('composer-error').textContent = 'Not posted: ' + e.message; })
      .finally(function () { el('post-send').disabled = false; });
  });

  loadState().then(connectStream).catch(function (e) { el('messages').innerHTML = '<div class="empty">Sandbox unreachable: ' + esc(e.message) + '</div>'; });
})();
`;
