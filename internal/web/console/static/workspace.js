// The incident page's presence (workspace.go, docs/desk.md): while the page is open it
// tells the server every 20 seconds, and puts the answer (who else has the incident open)
// in its place; when the page is left it says so. Without this script the page still shows
// who had it open when it was loaded.
(function () {
  'use strict';
  var box = document.getElementById('presence');
  if (!box || !window.fetch || !window.URLSearchParams) { return; }
  var url = box.getAttribute('data-url');
  var csrf = box.getAttribute('data-csrf');
  var view = box.getAttribute('data-view') || '';
  function form(leave) {
    var p = new URLSearchParams();
    p.set('csrf', csrf);
    p.set('view', view);
    if (leave) { p.set('leave', '1'); }
    return p;
  }
  function renew() {
    fetch(url, { method: 'POST', body: form(false), credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html.trim() !== box.innerHTML.trim()) { box.innerHTML = html; }
      })
      .catch(function () { /* offline for a moment: the next renewal tries again */ });
  }
  var timer = window.setInterval(renew, 20000);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { renew(); }
  });
  window.addEventListener('pagehide', function () {
    window.clearInterval(timer);
    if (navigator.sendBeacon) { navigator.sendBeacon(url, form(true)); }
  });
  // Back from the browser's page cache: the page is open again.
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) { renew(); timer = window.setInterval(renew, 20000); }
  });
})();
