// East Side console: the whatsapp-web.js pilots' login state and QR code, for admins.
// Plain JS; the QR code is drawn on a canvas from the module matrix the API returns (no image,
// no HTML from data). Polls while an admin is logged in and a pilot is configured.
(function () {
  'use strict';
  var POLL_MS = 4000;
  var timer = null;
  var STATES = { starting: 'starting…', qr: 'waiting for the QR code to be scanned', ready: 'logged in', disconnected: 'disconnected — starting again', 'not-running': 'not running (no worker process holds it)' };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function drawQr(rows) {
    var scale = 4, quiet = 4, size = rows.length;
    var canvas = document.createElement('canvas');
    canvas.width = canvas.height = (size + 2 * quiet) * scale;
    canvas.className = 'wa-qr';
    var ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#000';
    for (var y = 0; y < size; y++) for (var x = 0; x < size; x++) if (rows[y].charAt(x) === '1') ctx.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
    return canvas;
  }

  function render(pilots) {
    var section = $('wa-pilots'), list = $('wa-pilot-list');
    if (!section || !list) return;
    section.hidden = pilots.length === 0;
    while (list.firstChild) list.removeChild(list.firstChild);
    pilots.forEach(function (p) {
      var li = el('li', 'wa-pilot');
      li.setAttribute('data-bot-id', p.botId);
      li.setAttribute('data-state', p.state);
      li.appendChild(el('strong', null, p.botId));
      li.appendChild(el('span', 'muted', ' — ' + (STATES[p.state] || p.state)));
      if (p.state === 'qr' && p.qrModules) li.appendChild(drawQr(p.qrModules));
      else if (p.state === 'qr' && p.qr) li.appendChild(el('div', 'muted', 'Install the optional package "qrcode" to see the code here; it is printed in the worker\'s terminal.'));
      list.appendChild(li);
    });
  }

  function poll() {
    fetch('/console/api/whatsapp/pilots', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : { pilots: [] }; })
      .then(function (data) { render(data.pilots || []); if (timer !== null && (data.pilots || []).length > 0) timer = setTimeout(poll, POLL_MS); })
      .catch(function () { if (timer !== null) timer = setTimeout(poll, POLL_MS); });
  }

  function start(me) {
    stop();
    if (!me || !me.user || me.user.role !== 'admin') return;
    timer = 0;
    poll();
  }
  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    render([]);
  }

  document.addEventListener('console:login', function (e) { start(e.detail); });
  document.addEventListener('console:logout', stop);
  fetch('/console/api/me', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (me) { if (me) start(me); })
    .catch(function () { /* not logged in */ });
})();
