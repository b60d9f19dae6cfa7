// Embeddable East Side web chat. A Welcome Center adds to its page:
//   <script src="https://ADVICE-HOST/widget.js" data-lang="ru" async></script>
// It shows a button that opens the chat in an iframe served by the advice service.
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var lang = script.getAttribute('data-lang') || '';
  var label = script.getAttribute('data-label') || 'Chat';
  var btn = document.createElement('button');
  btn.type = 'button'; btn.textContent = label; btn.setAttribute('aria-expanded', 'false');
  btn.style.cssText = 'position:fixed;right:16px;bottom:16px;z-index:2147483000;padding:12px 18px;border:0;border-radius:24px;background:#17456b;color:#fff;font:16px system-ui,sans-serif;box-shadow:0 2px 8px #0004;cursor:pointer';
  var frame = null;
  btn.addEventListener('click', function () {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = origin + '/embed' + (lang ? '?lang=' + encodeURIComponent(lang) : '');
      frame.title = label;
      frame.style.cssText = 'position:fixed;right:16px;bottom:72px;z-index:2147483000;width:min(380px,calc(100vw - 32px));height:min(600px,calc(100vh - 96px));border:1px solid #ccd;border-radius:12px;background:#fff;box-shadow:0 4px 16px #0004';
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    btn.setAttribute('aria-expanded', String(!frame.hidden));
  });
  document.body.appendChild(btn);
})();
