// East Side counsellor console: plain JS, no framework, no build step.
// Everything that comes from a chat (or any other data) is inserted with textContent, never as
// HTML. State-changing requests carry the session's CSRF token; the session cookie is httpOnly.
(function () {
  'use strict';
  var state = { csrf: null, user: null, outcomes: [], ticketId: null, conversationId: null, loadedFor: null, es: null, queueTimer: null, ticketTimer: null };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmtTime(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    return d.toLocaleString(undefined, { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });
  }
  function minutesSince(iso) { return Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000)); }

  function api(method, url, body) {
    var opts = { method: method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
    if (method === 'POST') {
      opts.headers['content-type'] = 'application/json';
      opts.headers['x-csrf-token'] = state.csrf || '';
      opts.body = JSON.stringify(body || {});
    }
    return fetch('/console/api' + url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 401 && url !== '/login') showLogin();
        if (!r.ok) {
          var err = new Error(data.message || data.error || ('HTTP ' + r.status));
          err.status = r.status; err.data = data;
          throw err;
        }
        return data;
      });
    });
  }

  // --- login -------------------------------------------------------------------------------

  function showLogin() {
    if (state.es) { state.es.close(); state.es = null; }
    state.user = null; state.csrf = null;
    document.dispatchEvent(new CustomEvent('console:logout'));
    $('app-view').hidden = true; $('login-view').hidden = false;
    $('login-email').focus();
  }

  function showApp(me) {
    state.user = me.user; state.csrf = me.csrfToken; state.outcomes = me.outcomes || [];
    $('login-view').hidden = true; $('app-view').hidden = false;
    $('me').textContent = me.user.name + ' (' + me.user.role + (me.user.languages.length ? ', ' + me.user.languages.join(', ') : '') + ')';
    var canHandle = me.user.role === 'counsellor' || me.user.role === 'admin';
    $('role-note').hidden = canHandle; $('workspace').hidden = !canHandle;
    document.dispatchEvent(new CustomEvent('console:login', { detail: me })); // editor.js: the knowledge-base pages
    if (!canHandle) return;
    var outcome = $('outcome'); clear(outcome);
    state.outcomes.forEach(function (o) { var opt = el('option', null, o.label); opt.value = o.id; outcome.appendChild(opt); });
    connectLive();
    loadQueue();
    route();
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    $('login-error').textContent = '';
    $('login-submit').disabled = true;
    api('POST', '/login', { email: $('login-email').value, password: $('login-password').value })
      .then(function (res) {
        $('login-password').value = '';
        return api('GET', '/me').then(showApp, function () { showApp({ user: res.user, csrfToken: res.csrfToken, outcomes: [] }); });
      })
      .catch(function (err) {
        $('login-error').textContent = err.status === 429 ? 'Too many attempts. Please wait a few minutes.' : (err.status === 401 ? 'E-mail address or password is wrong.' : err.message);
      })
      .then(function () { $('login-submit').disabled = false; });
  });

  $('logout').addEventListener('click', function () {
    api('POST', '/logout').catch(function () { /* logged out anyway */ }).then(function () { location.hash = ''; showLogin(); });
  });

  // --- live updates ------------------------------------------------------------------------

  function connectLive() {
    if (state.es) return;
    var es = new EventSource('/console/api/events');
    state.es = es;
    es.onopen = function () { $('live-status').textContent = 'live'; };
    es.onerror = function () { $('live-status').textContent = 'reconnecting…'; };
    es.onmessage = function (m) {
      var ev; try { ev = JSON.parse(m.data); } catch (e) { return; }
      if (ev.type === 'hello') { loadQueue(); if (state.ticketId) scheduleTicket(); return; }
      scheduleQueue();
      if (state.ticketId && (ev.ticketId === state.ticketId || (ev.conversationId && ev.conversationId === state.conversationId))) scheduleTicket();
    };
  }
  function scheduleQueue() { clearTimeout(state.queueTimer); state.queueTimer = setTimeout(loadQueue, 100); }
  function scheduleTicket() { clearTimeout(state.ticketTimer); state.ticketTimer = setTimeout(loadTicket, 100); }

  // --- queue -------------------------------------------------------------------------------

  var SECTION_TITLES = { 'my-languages': 'Waiting — your languages', 'other-languages': 'Waiting — other languages', mine: 'Your conversations', colleagues: 'With colleagues' };

  function loadQueue() {
    if (!state.user) return;
    api('GET', '/queue').then(renderQueue).catch(function () { /* shown on next update */ });
  }

  function renderQueue(data) {
    var list = $('queue'); clear(list);
    var waiting = Object.keys(data.waiting).map(function (l) { return l.toUpperCase() + ' ' + data.waiting[l]; });
    $('waiting-summary').textContent = waiting.length ? 'Waiting: ' + waiting.join(' · ') : 'Nobody is waiting.';
    var section = null;
    data.tickets.forEach(function (t) {
      if (t.section !== section) { section = t.section; list.appendChild(el('li', 'section', SECTION_TITLES[section] || section)); }
      var li = el('li', 'ticket' + (t.id === state.ticketId ? ' active' : ''));
      li.setAttribute('data-ticket-id', t.id);
      li.setAttribute('data-status', t.status);
      li.appendChild(el('span', 'lang', t.language));
      li.appendChild(el('span', 'reason', t.topicTitle || t.reason));
      var meta = t.status === 'waiting' ? 'waiting ' + minutesSince(t.createdAt) + ' min' : 'with ' + (t.claimedByName || '?');
      li.appendChild(el('div', 'muted', t.channel + ' · ' + meta));
      li.addEventListener('click', function () { location.hash = '#/ticket/' + t.id; });
      list.appendChild(li);
    });
  }

  // --- conversation ------------------------------------------------------------------------

  function route() {
    var m = /^#\/ticket\/([0-9a-f-]{36})$/.exec(location.hash);
    state.ticketId = m ? m[1] : null;
    document.querySelectorAll('#queue li.ticket').forEach(function (li) { li.classList.toggle('active', li.getAttribute('data-ticket-id') === state.ticketId); });
    if (!state.ticketId) { $('ticket').hidden = true; $('ticket-empty').hidden = false; return; }
    loadTicket();
  }
  window.addEventListener('hashchange', route);

  function loadTicket() {
    var id = state.ticketId;
    if (!id || !state.user) return;
    api('GET', '/tickets/' + id).then(function (view) { if (state.ticketId === id) renderTicket(view); }).catch(function (err) {
      $('ticket-error').textContent = err.message;
    });
  }

  var AUTHOR_LABELS = { user: 'Person', bot: 'Bot', counsellor: 'Counsellor', system: 'Service' };

  function renderTicket(view) {
    var t = view.ticket;
    var fresh = state.loadedFor !== t.id;
    state.conversationId = t.conversationId;
    $('ticket-empty').hidden = true; $('ticket').hidden = false;
    $('ticket-title').textContent = t.language.toUpperCase() + ' · ' + (t.topicTitle || t.reason) + ' · ' + t.status;

    var meta = $('ticket-meta'); clear(meta);
    var rows = [
      ['Status', t.status + (t.claimedByName ? ' (' + t.claimedByName + ')' : '') + (t.outcome ? ' — ' + t.outcome : '')],
      ['Language', t.language],
      ['Why', t.reason + (t.topic ? ' — topic ' + t.topic : '')],
      ['Channel', view.person ? view.person.channel + (view.person.region ? ' · region ' + view.person.region : '') : ''],
      ['Waiting since', fmtTime(t.createdAt)],
    ];
    if (t.status === 'waiting') rows.push(['Back to the bot at', fmtTime(t.returnDueAt)]);
    if (view.person && view.person.consent === 'declined') rows.push(['Privacy', 'The person declined the privacy notice: texts are not stored.']);
    if (view.replyWindow) rows.push(['WhatsApp window', view.replyWindow.open ? 'open until ' + fmtTime(view.replyWindow.closesAt) : 'closed — a reply goes out as the template ("you have an answer"); the text follows when the person answers']);
    rows.forEach(function (r) { meta.appendChild(el('dt', null, r[0])); meta.appendChild(el('dd', null, r[1])); });

    var list = $('transcript'); clear(list);
    view.transcript.forEach(function (m) {
      var li = el('li', m.author);
      li.setAttribute('data-message-id', String(m.id));
      li.appendChild(el('span', 'who', AUTHOR_LABELS[m.author] + (m.staffName ? ' ' + m.staffName : '')));
      li.appendChild(el('span', 'muted', fmtTime(m.at) + (m.direction === 'out' && m.status !== 'sent' ? ' · ' + m.status : '')));
      if (m.text !== null) li.appendChild(el('div', 'text', m.text));
      else if (!m.note) li.appendChild(el('div', 'text muted', '(not stored)'));
      if (m.note) li.appendChild(el('div', 'note', m.note));
      if (m.topicTitle) li.appendChild(el('div', 'topic', 'Answer: ' + m.topicTitle + ' (' + m.topic + ')'));
      list.appendChild(li);
    });
    list.scrollTop = list.scrollHeight;

    var notes = $('notes'); clear(notes);
    view.notes.forEach(function (n) { notes.appendChild(el('li', null, (n.authorName || '?') + ', ' + fmtTime(n.at) + ': ' + n.text)); });

    $('claim-box').hidden = !view.permissions.canClaim;
    $('act-box').hidden = !view.permissions.canAct;

    if (fresh) {
      state.loadedFor = t.id;
      $('ticket-error').textContent = '';
      $('reply-text').value = ''; $('note-text').value = '';
      fillSelect($('canned'), view.cannedReplies, function (c) { return c.title; }, function (c) { return c.text; });
      fillSelect($('institution'), view.institutions, function (i) { return i.name + (i.city ? ' (' + i.city + ')' : ''); }, function (i) { return i.referral; });
      fillSelect($('transfer-to'), view.colleagues, function (c) { return c.name + (c.languages.length ? ' — ' + c.languages.join(', ') : ''); }, function (c) { return c.id; }, true);
    }
  }

  function fillSelect(select, items, label, value, noBlank) {
    clear(select);
    if (!noBlank) { var blank = el('option', null, '—'); blank.value = ''; select.appendChild(blank); }
    items.forEach(function (item) { var o = el('option', null, label(item)); o.value = value(item); select.appendChild(o); });
  }

  function insertIntoReply(text) {
    var box = $('reply-text');
    box.value = box.value ? box.value.replace(/\s*$/, '') + '\n\n' + text : text;
    box.focus();
  }
  $('canned').addEventListener('change', function (e) { if (e.target.value) insertIntoReply(e.target.value); e.target.value = ''; });
  $('institution').addEventListener('change', function (e) { if (e.target.value) insertIntoReply(e.target.value); e.target.value = ''; });

  function act(path, body, button) {
    var id = state.ticketId;
    if (!id) return Promise.resolve();
    $('ticket-error').textContent = '';
    if (button) button.disabled = true;
    return api('POST', '/tickets/' + id + path, body)
      .then(function () { loadTicket(); loadQueue(); return true; })
      .catch(function (err) { $('ticket-error').textContent = err.message; loadTicket(); return false; })
      .then(function (ok) { if (button) button.disabled = false; return ok; });
  }

  $('claim').addEventListener('click', function (e) { act('/claim', {}, e.target); });
  $('reply-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('reply-text').value.trim(); if (!text) return;
    act('/reply', { text: text }, $('reply-send')).then(function (ok) { if (ok) $('reply-text').value = ''; });
  });
  $('note-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('note-text').value.trim(); if (!text) return;
    act('/notes', { text: text }, $('note-add')).then(function (ok) { if (ok) $('note-text').value = ''; });
  });
  $('resolve').addEventListener('click', function (e) { act('/resolve', { outcome: $('outcome').value }, e.target); });
  $('hand-back').addEventListener('click', function (e) { act('/hand-back', {}, e.target); });
  $('transfer').addEventListener('click', function (e) { if ($('transfer-to').value) act('/transfer', { toUserId: $('transfer-to').value }, e.target); });

  api('GET', '/me').then(showApp, showLogin);
})();
