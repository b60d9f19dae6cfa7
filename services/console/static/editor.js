// East Side console — the editors' pages (knowledge base). Plain JS, no framework, no build step.
// Every value from data is inserted with textContent (never innerHTML); links get an href only
// when it is http(s). POSTs carry the session's CSRF token.
(function () {
  'use strict';
  var LOCALES = ['de', 'en', 'ru', 'vi', 'es'];
  var STATUS_LABEL = { 'up-to-date': 'up to date', outdated: 'outdated', missing: 'missing', source: 'source' };
  var ed = { me: null, csrf: null, overview: null, previewTimer: null, topic: null };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'className') e.className = attrs[k];
      else if (k === 'value') e.value = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) { for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]); return parent; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmt(iso) { return iso ? new Date(iso).toLocaleString(undefined, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }) : ''; }
  function safeLink(url, text) {
    var a = el('a', null, text || url);
    if (/^https?:\/\//i.test(url)) { a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer'; }
    return a;
  }
  function field(label, input) { var l = el('label', null, label); l.appendChild(input); return l; }

  function api(method, url, body) {
    var opts = { method: method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
    if (method === 'POST') {
      opts.headers['content-type'] = 'application/json';
      opts.headers['x-csrf-token'] = ed.csrf || '';
      opts.body = JSON.stringify(body || {});
    }
    return fetch('/console/api/editor' + url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var err = new Error(data.message || data.error || ('HTTP ' + r.status)); err.data = data; throw err; }
        return data;
      });
    });
  }

  function message(text, isError) { var m = $('editor-message'); m.textContent = text || ''; m.className = isError ? 'error' : ''; }
  function showProblems(problems) {
    var list = $('draft-problems'); clear(list);
    (problems || []).forEach(function (p) { list.appendChild(el('li', null, p.level + ' ' + p.file + (p.field ? ' ' + p.field : '') + ': ' + p.message)); });
  }
  function failed(err) { message(err.message, true); if (err.data && err.data.problems) showProblems(err.data.problems); }

  // --- session, navigation -----------------------------------------------------------------

  function canEdit() { return ed.me && ed.me.editing && (ed.me.user.role === 'editor' || ed.me.user.role === 'admin'); }

  document.addEventListener('console:login', function (e) {
    ed.me = e.detail; ed.csrf = e.detail.csrfToken;
    if (!canEdit()) return;
    $('editor-nav').hidden = false;
    $('nav-conversations').hidden = ed.me.user.role !== 'admin';
    if (ed.me.user.role === 'editor') { $('role-note').hidden = true; if (!/^#\/editor/.test(location.hash)) location.hash = '#/editor'; }
    route();
  });
  document.addEventListener('console:logout', function () {
    ed.me = null; ed.csrf = null;
    $('editor-nav').hidden = true; $('editor-view').hidden = true;
  });
  window.addEventListener('hashchange', route);

  function route() {
    if (!canEdit()) return;
    var h = location.hash;
    var on = /^#\/editor/.test(h);
    $('editor-view').hidden = !on;
    if (ed.me.user.role === 'admin') $('workspace').hidden = on;
    document.querySelectorAll('#editor-nav a').forEach(function (a) { a.classList.toggle('active', a.getAttribute('href') === (h || '#/')); });
    if (!on) return;
    message(''); showProblems([]);
    var m;
    loadDraftBar();
    if ((m = /^#\/editor\/topic\/([a-z0-9-]+)(?:\/([a-z]{2}))?$/.exec(h))) return topicPage(m[1], m[2] || 'de');
    if (h === '#/editor/facts') return factsPage();
    if (h === '#/editor/institutions') return institutionsPage();
    if (h === '#/editor/inbox') return inboxPage();
    if (h === '#/editor/history') return historyPage();
    return topicsPage();
  }

  function page(title) { var p = $('editor-page'); clear(p); p.appendChild(el('h2', null, title)); return p; }

  // --- draft bar -----------------------------------------------------------------------------

  function loadDraftBar() {
    return api('GET', '/overview').then(function (o) {
      ed.overview = o;
      var d = o.draft;
      $('draft-status').textContent = d
        ? 'Pending changes (draft) — last by ' + (d.updatedBy || '?') + ', ' + fmt(d.updatedAt) + ' · ' + o.pending.length + ' change(s) · published: ' + (o.activeVersion || '—')
        : 'No pending changes · published: ' + (o.activeVersion || '—');
      $('publish').disabled = !d; $('discard').disabled = !d;
      return o;
    }).catch(failed);
  }
  $('check').addEventListener('click', function () {
    api('GET', '/check').then(function (r) { message(r.errors ? r.errors + ' error(s) block publishing' : 'No errors: ready to publish', r.errors > 0); showProblems(r.problems); }).catch(failed);
  });
  $('publish').addEventListener('click', function (e) {
    e.target.disabled = true; message('Publishing…'); showProblems([]);
    api('POST', '/publish').then(function (r) {
      route();
      message('Published version ' + r.version + '. Every running instance answers from it within seconds.');
      showProblems(r.warnings);
    }).catch(failed).then(function () { loadDraftBar(); });
  });
  $('discard').addEventListener('click', function () {
    if (!window.confirm('Discard every pending change?')) return;
    api('POST', '/discard').then(function () { route(); message('Pending changes discarded.'); }).catch(failed);
  });

  // --- topics overview -------------------------------------------------------------------------

  function badge(status, label) { return el('span', { className: 'badge ' + status, title: status }, label); }

  function topicsPage() {
    var p = page('Topics');
    p.appendChild(el('p', { className: 'muted' }, 'Translation status per language: outdated = the German or English text changed after this translation. German and English are the sources.'));
    var table = el('table', { id: 'topics-table' });
    var head = add(el('tr'), el('th', null, 'Topic'), el('th', null, 'Languages'), el('th', null, 'Review by'), el('th', null, 'Last edited'));
    table.appendChild(head);
    (ed.overview ? Promise.resolve(ed.overview) : loadDraftBar()).then(function (o) {
      (o.topics || []).forEach(function (t) {
        var tr = el('tr', { 'data-topic': t.slug });
        var name = el('td');
        add(name, safeTopicLink(t.slug, t.title), el('div', { className: 'muted' }, t.slug + ' · ' + t.category + ' · ' + t.mode + (t.changedInDraft ? ' · changed in draft' : '')));
        var langs = el('td');
        LOCALES.forEach(function (l) {
          var b = badge(t.translations[l], l + ' ' + STATUS_LABEL[t.translations[l]]);
          b.setAttribute('data-lang', l); langs.appendChild(b);
        });
        var review = add(el('td'), badge(t.review, t.reviewBy + (t.review === 'due' ? ' (due)' : t.review === 'soon' ? ' (soon)' : '')));
        var last = el('td', null, t.lastEditor ? t.lastEditor + ', ' + fmt(t.lastEditedAt) : '—');
        add(tr, name, langs, review, last);
        table.appendChild(tr);
      });
    });
    p.appendChild(table);
  }
  function safeTopicLink(slug, title) { var a = el('a', null, title); a.href = '#/editor/topic/' + slug; return a; }

  // --- one topic -------------------------------------------------------------------------------

  function topicPage(slug, lang) {
    var p = page('Topic ' + slug);
    api('GET', '/topics/' + slug).then(function (data) {
      ed.topic = data;
      var t = data.topic;
      var c = t.content[lang] || { title: '', answer: '', questions: [] };
      var tabs = el('p');
      LOCALES.forEach(function (l) {
        var a = el('a', { className: 'badge ' + data.translations[l] }, l + ' ' + STATUS_LABEL[data.translations[l]]);
        a.href = '#/editor/topic/' + slug + '/' + l;
        if (l === lang) a.style.fontWeight = '700';
        tabs.appendChild(a);
      });
      p.appendChild(tabs);

      var grid = el('div', { className: 'editor-grid' });
      var form = el('form', { id: 'topic-form' });
      var title = el('input', { id: 'topic-title', value: c.title || '' });
      var answer = el('textarea', { id: 'topic-answer', rows: '14' }); answer.value = c.answer || '';
      var more = el('textarea', { id: 'topic-more', rows: '5' }); more.value = c.more || '';
      var questions = el('textarea', { id: 'topic-questions', rows: '10' }); questions.value = (c.questions || []).join('\n');
      var count = el('span', { className: 'muted' });
      add(form, el('h3', null, 'Language ' + lang), field('Title', title), field('Answer (write figures as {{fact:KEY}})', answer), count, field('More (optional detail)', more));
      var regionals = {};
      (t.regions || []).filter(function (r) { return r !== 'nationwide'; }).forEach(function (r) {
        var ta = el('textarea', { rows: '3', 'data-region': r }); ta.value = (c.regional && c.regional[r]) || '';
        regionals[r] = ta; form.appendChild(field('Regional part: ' + r, ta));
      });
      add(form, field('Question variants (one per line; never shown, they feed retrieval)', questions), el('button', { id: 'topic-save', type: 'submit' }, 'Save ' + lang + ' to draft'));

      var meta = el('form', { id: 'meta-form' });
      var reviewed = el('input', { id: 'topic-reviewed-on', type: 'date', value: t.reviewed_on || '' });
      var reviewBy = el('input', { id: 'topic-review-by', type: 'date', value: t.review_by || '' });
      var sources = el('textarea', { id: 'topic-sources', rows: '4' });
      sources.value = (t.sources || []).map(function (s) { return s.title + ' | ' + s.url + ' | ' + s.checked_on; }).join('\n');
      add(meta, el('h3', null, 'All languages'), field('Reviewed on', reviewed), field('Review by', reviewBy), field('Sources (one per line: title | URL | checked on YYYY-MM-DD)', sources), el('button', { id: 'meta-save', type: 'submit' }, 'Save sources and dates to draft'));

      var preview = el('div');
      var region = el('select', { id: 'preview-region' });
      add(region, el('option', { value: '' }, 'region not known'));
      (data.regions || []).forEach(function (r) { region.appendChild(el('option', { value: r.id }, r.name)); });
      add(preview, el('h3', null, 'Preview'), field('Region', region), el('h3', null, 'Telegram'), el('div', { id: 'preview-telegram' }), el('h3', null, 'WhatsApp'), el('div', { id: 'preview-whatsapp' }));
      add(grid, add(el('div'), form, meta), preview);
      p.appendChild(grid);

      var hist = el('ul', { id: 'topic-history' });
      (data.history || []).forEach(function (h) { hist.appendChild(el('li', null, fmt(h.at) + ' — ' + h.actorName + ': ' + h.summary)); });
      add(p, el('h3', null, 'Changes'), hist);

      function formValues() {
        var reg = {}; Object.keys(regionals).forEach(function (r) { if (regionals[r].value.trim()) reg[r] = regionals[r].value; });
        return { locale: lang, title: title.value, answer: answer.value, more: more.value, regional: reg, questions: questions.value.split('\n') };
      }
      function schedulePreview() {
        count.textContent = answer.value.trim().length + ' characters (200–1400; aim for 600–900)';
        clearTimeout(ed.previewTimer);
        ed.previewTimer = setTimeout(function () {
          var v = formValues(); v.slug = slug; v.region = region.value;
          api('POST', '/preview', v).then(renderPreview).catch(function (err) { message(err.message, true); });
        }, 300);
      }
      [title, answer, more, region].concat(Object.keys(regionals).map(function (r) { return regionals[r]; })).forEach(function (i) { i.addEventListener('input', schedulePreview); i.addEventListener('change', schedulePreview); });
      schedulePreview();

      form.addEventListener('submit', function (e) {
        e.preventDefault();
        api('POST', '/topics/' + slug + '/language', formValues()).then(function (r) { message('Saved to draft: ' + r.summary); loadDraftBar(); }).catch(failed);
      });
      meta.addEventListener('submit', function (e) {
        e.preventDefault();
        var list = sources.value.split('\n').filter(function (l) { return l.trim(); }).map(function (l) {
          var parts = l.split('|').map(function (x) { return x.trim(); });
          return { title: parts[0], url: parts[1], checked_on: parts[2] };
        });
        api('POST', '/topics/' + slug + '/meta', { reviewed_on: reviewed.value, review_by: reviewBy.value, sources: list }).then(function (r) { message('Saved to draft: ' + r.summary); loadDraftBar(); }).catch(failed);
      });
    }).catch(failed);
  }

  function renderPreview(pv) {
    var tg = $('preview-telegram'), wa = $('preview-whatsapp');
    if (!tg || !wa) return;
    clear(tg); clear(wa);
    pv.telegram.forEach(function (m) {
      var b = el('div', { className: 'bubble telegram' });
      m.segments.forEach(function (s) {
        if (s.kind === 'link') b.appendChild(safeLink(s.url, s.text));
        else if (s.kind === 'bold') b.appendChild(el('b', null, s.text));
        else b.appendChild(document.createTextNode(s.text));
      });
      if (m.buttons.length) {
        var row = el('div', { className: 'buttons' });
        m.buttons.forEach(function (r) { r.forEach(function (label) { row.appendChild(el('span', null, label)); }); });
        b.appendChild(row);
      }
      tg.appendChild(b);
    });
    pv.whatsapp.forEach(function (m) {
      var b = el('div', { className: 'bubble whatsapp' }, m.text);
      if (m.buttons.length) { var row = el('div', { className: 'buttons' }); m.buttons.forEach(function (label) { row.appendChild(el('span', null, label)); }); b.appendChild(row); }
      wa.appendChild(b);
    });
  }

  // --- facts -------------------------------------------------------------------------------------

  function factsPage() {
    var p = page('Facts');
    p.appendChild(el('p', { className: 'muted' }, 'One figure for every language. A value with the same "valid from" date is replaced; a new date adds a value that takes effect on that day by itself.'));
    api('GET', '/facts').then(function (data) {
      var table = el('table', { id: 'facts-table' });
      table.appendChild(add(el('tr'), el('th', null, 'Fact'), el('th', null, 'Valid today (' + data.today + ')'), el('th', null, 'Change')));
      data.facts.forEach(function (f) {
        var tr = el('tr', { 'data-fact': f.key });
        var cur = f.current;
        var info = add(el('td'), el('strong', null, f.key), el('div', { className: 'muted' }, f.description), el('div', { className: 'muted' }, 'used by: ' + (f.usedBy.join(', ') || '—')));
        var now = el('td');
        if (cur) add(now, el('div', { className: 'fact-current' }, cur.shown.de), el('div', { className: 'muted' }, 'from ' + cur.valid_from), cur.source ? safeLink(cur.source, 'source') : null);
        else now.textContent = 'no value valid yet';
        var formCell = el('td');
        var form = el('form', { className: 'fact-form row' });
        var value = el('input', { className: 'fact-value', value: cur ? String(typeof cur.value === 'object' ? JSON.stringify(cur.value) : cur.value) : '' });
        var from = el('input', { className: 'fact-valid-from', type: 'date', value: cur ? cur.valid_from : data.today });
        var source = el('input', { className: 'fact-source', value: cur && cur.source ? cur.source : '' });
        add(form, field('Value (' + f.format + (f.unit ? ' per ' + f.unit : '') + ')', value), field('Valid from', from), field('Source URL', source), el('button', { type: 'submit', className: 'fact-save' }, 'Save to draft'));
        form.addEventListener('submit', function (e) {
          e.preventDefault();
          api('POST', '/facts/' + f.key, { value: value.value, valid_from: from.value, source: source.value }).then(function (r) { message('Saved to draft: ' + r.summary); loadDraftBar(); }).catch(failed);
        });
        formCell.appendChild(form);
        table.appendChild(add(tr, info, now, formCell));
      });
      p.appendChild(table);
    }).catch(failed);
  }

  // --- institutions ------------------------------------------------------------------------------

  function institutionForm(inst, regions) {
    var form = el('form', { className: 'institution-form', 'data-institution': inst.id || '' });
    var id = el('input', { className: 'inst-id', value: inst.id || '' }); if (inst.id) id.readOnly = true;
    var name = el('input', { className: 'inst-name', value: inst.name || '' });
    var region = el('select', { className: 'inst-region' });
    regions.forEach(function (r) { var o = el('option', { value: r }, r); if (r === inst.region) o.selected = true; region.appendChild(o); });
    var city = el('input', { className: 'inst-city', value: inst.city || '' });
    var url = el('input', { className: 'inst-url', value: inst.url || '' });
    var source = el('input', { className: 'inst-source', value: inst.source || '' });
    add(form, add(el('div', { className: 'row' }), field('Id', id), field('Name', name), field('Region', region), field('City', city)), add(el('div', { className: 'row' }), field('Official URL (only if confirmed)', url), field('Source', source)));
    var helps = {};
    LOCALES.forEach(function (l) { helps[l] = el('input', { value: (inst.helps_with && inst.helps_with[l]) || '' }); form.appendChild(field('Helps with (' + l + ')', helps[l])); });
    form.appendChild(el('button', { type: 'submit' }, inst.id ? 'Save to draft' : 'Add to draft'));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var hw = {}; LOCALES.forEach(function (l) { hw[l] = helps[l].value; });
      api('POST', '/institutions/' + encodeURIComponent(id.value.trim()), { name: name.value, region: region.value, city: city.value, url: url.value, source: source.value, helps_with: hw })
        .then(function (r) { message('Saved to draft: ' + r.summary); loadDraftBar(); }).catch(failed);
    });
    return form;
  }

  function institutionsPage() {
    var p = page('Institutions');
    api('GET', '/institutions').then(function (data) {
      var details = el('details'); add(details, el('summary', null, 'New institution'), institutionForm({}, data.regions)); p.appendChild(details);
      data.institutions.forEach(function (inst) {
        var d = el('details', { 'data-institution': inst.id });
        add(d, el('summary', null, inst.name + ' (' + inst.region + (inst.city ? ', ' + inst.city : '') + ')'), institutionForm(inst, data.regions));
        p.appendChild(d);
      });
    }).catch(failed);
  }

  // --- unanswered questions --------------------------------------------------------------------

  function inboxPage() {
    var p = page('Unanswered questions');
    p.appendChild(el('p', { className: 'muted' }, 'Questions the bot could not answer or whose answer did not help, grouped by the topic they are closest to (in any language) or by similar words. Personal data is masked before storing. Attaching a question as a variant takes effect at once.'));
    Promise.all([api('GET', '/inbox'), ed.overview ? Promise.resolve(ed.overview) : loadDraftBar()]).then(function (res) {
      var groups = res[0].groups, topics = (res[1] && res[1].topics) || [];
      if (!groups.length) p.appendChild(el('p', null, 'Nothing waiting.'));
      var dl = el('datalist', { id: 'topic-slugs' });
      topics.forEach(function (t) { dl.appendChild(el('option', { value: t.slug }, t.title)); });
      p.appendChild(dl);
      groups.forEach(function (g) {
        var box = el('div', { className: 'inbox-group', 'data-group': g.key });
        var langs = Object.keys(g.languages).map(function (l) { return l + ' ' + g.languages[l]; }).join(', ');
        add(box, el('strong', null, g.count + ' × ' + (g.kind === 'topic' ? 'near topic ' + (g.topicTitle || g.topic) + ' (' + g.topic + ')' : 'no close topic')), el('span', { className: 'muted' }, ' — ' + langs + ' · last ' + fmt(g.latestAt)));
        var list = el('ul');
        var boxes = [];
        g.items.forEach(function (it) {
          var cb = el('input', { type: 'checkbox', value: String(it.id) }); cb.checked = true; cb.style.width = 'auto'; boxes.push(cb);
          list.appendChild(add(el('li'), cb, el('span', { className: 'badge' }, it.language), el('span', { className: 'inbox-text' }, it.text), el('span', { className: 'muted' }, ' (' + it.reason + ')')));
        });
        box.appendChild(list);
        var ids = function () { return boxes.filter(function (b) { return b.checked; }).map(function (b) { return Number(b.value); }); };
        var slug = el('input', { className: 'attach-slug', list: 'topic-slugs', value: g.topic || '' });
        var wording = el('input', { className: 'attach-text', placeholder: 'optional: the wording to add (default: each question as written)' });
        var attach = el('button', { type: 'button', className: 'attach' }, 'Attach as question variants');
        attach.addEventListener('click', function () {
          api('POST', '/inbox/attach', { ids: ids(), slug: slug.value.trim(), text: wording.value }).then(function (r) { route(); message('Attached and published as version ' + r.version + '.'); }).catch(failed);
        });
        var newSlug = el('input', { className: 'new-slug', placeholder: 'new-topic-slug' });
        var category = el('select', { className: 'new-category' });
        ['visa', 'recognition', 'work', 'language', 'living', 'region', 'help'].forEach(function (c) { category.appendChild(el('option', { value: c }, c)); });
        var create = el('button', { type: 'button', className: 'new-topic' }, 'Start a new topic');
        create.addEventListener('click', function () {
          api('POST', '/inbox/new-topic', { ids: ids(), slug: newSlug.value.trim(), category: category.value }).then(function () { location.hash = '#/editor/topic/' + newSlug.value.trim(); }).catch(failed);
        });
        var dismiss = el('button', { type: 'button', className: 'dismiss' }, 'Dismiss');
        dismiss.addEventListener('click', function () { api('POST', '/inbox/dismiss', { ids: ids() }).then(function () { route(); }).catch(failed); });
        add(box, add(el('div', { className: 'row' }), field('Topic', slug), field('Wording', wording), attach), add(el('div', { className: 'row' }), field('New topic slug', newSlug), field('Category', category), create, dismiss));
        p.appendChild(box);
      });
    }).catch(failed);
  }

  // --- history -----------------------------------------------------------------------------------

  function historyPage() {
    var p = page('Versions and changes');
    Promise.all([api('GET', '/versions'), api('GET', '/audit?limit=200')]).then(function (res) {
      var table = el('table', { id: 'versions-table' });
      table.appendChild(add(el('tr'), el('th', null, 'Version'), el('th', null, 'By'), el('th', null, 'Source'), el('th', null, '')));
      res[0].versions.forEach(function (v) {
        var action = el('td');
        if (v.isActive) action.textContent = 'active';
        else {
          var b = el('button', { type: 'button', className: 'restore' }, 'Restore');
          b.addEventListener('click', function () {
            if (!window.confirm('Make version ' + v.version + ' active again? Pending changes are discarded.')) return;
            api('POST', '/versions/' + encodeURIComponent(v.version) + '/restore').then(function () { route(); message('Version ' + v.version + ' is active again.'); }).catch(failed);
          });
          action.appendChild(b);
        }
        table.appendChild(add(el('tr', { 'data-version': v.version }), el('td', null, v.version + ' · ' + fmt(v.createdAt)), el('td', null, v.createdBy || '—'), el('td', null, v.source), action));
      });
      add(p, table, el('h3', null, 'Audit log'));
      var log = el('ul', { id: 'audit-log' });
      res[1].entries.forEach(function (a) { log.appendChild(el('li', null, fmt(a.at) + ' — ' + a.actorName + ' — ' + a.action + ' ' + a.entity + ': ' + a.summary)); });
      p.appendChild(log);
    }).catch(failed);
  }
})();
