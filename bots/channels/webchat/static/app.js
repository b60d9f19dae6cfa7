// East Side web chat: a small, dependency-free client. Messages are posted with a client id
// (retried with the same id, so nothing is sent twice); replies arrive over Server-Sent Events,
// which reconnect by themselves on a bad connection; the transcript is reloaded after a reload.
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var store = window.localStorage;
  var KEY = 'eastside.webchat';
  var saved = {};
  try { saved = JSON.parse(store.getItem(KEY) || '{}'); } catch (e) { saved = {}; }
  var state = { sessionId: saved.sessionId || null, locale: saved.locale || params.get('lang') || null, lastId: 0, strings: {}, outbox: [] };
  var $ = function (id) { return document.getElementById(id); };
  var log = $('log'), input = $('input'), statusEl = $('status');

  function save() { store.setItem(KEY, JSON.stringify({ sessionId: state.sessionId, locale: state.locale })); }
  function randomId(bytes) {
    var a = new Uint8Array(bytes); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function s(key) { return state.strings[key] || key; }
  function setStatus(text) { statusEl.textContent = text || ''; }

  function loadStrings(locale) {
    return fetch('/webchat/strings/' + locale).then(function (r) { return r.json(); }).then(function (strings) {
      state.strings = strings;
      document.documentElement.lang = locale;
      $('title').textContent = s('title'); $('subtitle').textContent = s('subtitle');
      input.placeholder = s('placeholder'); $('send').textContent = s('send');
      var lb = $('lang-btn'); lb.textContent = s('changeLanguage'); lb.hidden = false;
    });
  }

  // Everything from the server is inserted as text, never as HTML.
  function render(ev) {
    if (ev.id && document.querySelector('[data-id="' + CSS.escape(String(ev.id)) + '"]')) return;
    var li = document.createElement('li');
    li.className = ev.from;
    if (ev.id) li.setAttribute('data-id', ev.id);
    if (ev.from !== 'user') {
      var who = document.createElement('span'); who.className = 'who';
      who.textContent = ev.from === 'counsellor' ? s('counsellor') : s('bot');
      li.appendChild(who);
    }
    li.appendChild(document.createTextNode(ev.text || ''));
    if (ev.links && ev.links.length) {
      var ul = document.createElement('ul'); ul.className = 'links';
      ev.links.forEach(function (l) {
        if (!/^https?:\/\//i.test(l.url)) return;
        var item = document.createElement('li'); var a = document.createElement('a');
        a.href = l.url; a.textContent = l.label; a.target = '_blank'; a.rel = 'noopener noreferrer';
        item.appendChild(a); ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    if (ev.choices && ev.choices.length) {
      var box = document.createElement('div'); box.className = 'choices';
      ev.choices.forEach(function (c) {
        var b = document.createElement('button'); b.type = 'button'; b.textContent = c.label; b.setAttribute('data-value', c.value);
        b.addEventListener('click', function () {
          box.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
          send({ choice: c.value }, c.label);
        });
        box.appendChild(b);
      });
      li.appendChild(box);
    }
    log.appendChild(li);
    var n = Number(ev.id); if (n > state.lastId) state.lastId = n;
    li.scrollIntoView({ block: 'end' });
  }

  function post(item) {
    return fetch('/webchat/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(item.body) })
      .then(function (r) { if (!r.ok && r.status >= 500) throw new Error('server ' + r.status); return r; });
  }
  function flush() {
    if (!state.outbox.length) return;
    var item = state.outbox[0];
    post(item).then(function () {
      state.outbox.shift(); if (item.el) item.el.classList.remove('pending'); setStatus(''); flush();
    }, function () {
      setStatus(navigator.onLine === false ? s('offline') : s('notSent'));
      setTimeout(flush, 3000);
    });
  }
  function send(fields, shownText) {
    var body = Object.assign({ sessionId: state.sessionId, clientMessageId: randomId(12), locale: state.locale, sentAt: new Date().toISOString() }, fields);
    var el = null;
    if (shownText) { render({ from: 'user', text: shownText }); el = log.lastChild; el.classList.add('pending'); }
    state.outbox.push({ body: body, el: el });
    if (state.outbox.length === 1) flush();
  }

  function connect() {
    var es = new EventSource('/webchat/events?sessionId=' + encodeURIComponent(state.sessionId) + '&after=' + state.lastId);
    es.onopen = function () { setStatus(''); };
    es.onmessage = function (m) { try { render(JSON.parse(m.data)); } catch (e) { /* ignore malformed */ } };
    es.onerror = function () { setStatus(s('connecting')); };
  }

  function loadHistory() {
    return fetch('/webchat/history?sessionId=' + encodeURIComponent(state.sessionId)).then(function (r) { return r.ok ? r.json() : { events: [] }; })
      .then(function (h) { (h.events || []).forEach(render); });
  }

  function startWith(locale, isNew) {
    state.locale = locale;
    if (!state.sessionId) state.sessionId = randomId(16);
    save();
    $('picker').hidden = true; $('composer').hidden = false;
    return loadStrings(locale).then(function () {
      return isNew ? null : loadHistory();
    }).then(function () {
      connect();
      if (isNew) send({ command: 'start' });
    });
  }

  document.querySelectorAll('#picker [data-lang]').forEach(function (b) {
    b.addEventListener('click', function () {
      var locale = b.getAttribute('data-lang');
      if (state.sessionId && state.locale) { // already chatting: switch language in the conversation
        $('picker').hidden = true; $('composer').hidden = false;
        state.locale = locale; save(); loadStrings(locale); send({ choice: 'lang:' + locale });
      } else {
        startWith(locale, true);
      }
    });
  });
  $('lang-btn').addEventListener('click', function () { $('picker').hidden = false; });
  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim(); if (!text) return;
    input.value = ''; send({ text: text }, text);
  });
  input.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('composer').requestSubmit(); } });
  window.addEventListener('online', flush);

  if (state.sessionId && state.locale) startWith(state.locale, false);
})();
