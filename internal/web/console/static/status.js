// Meldpunt: the status page keeps itself up to date (docs/status-page.md "Live updates").
// Without this script the page is complete, and a reload shows the news. With it, the page
// asks the server for itself every 30 seconds (every 60 while all is well), not while the tab
// is hidden and at once when it shows again; it sends the last ETag in If-None-Match, so an
// unchanged page costs a 304 and no body. A changed page replaces the main region's content
// in place: the scroll position and the focused element stay, and a polite live region says
// that the status was updated, with the new banner, without reading the whole page again.
(function () {
  'use strict';

  var script = document.currentScript;
  var main = document.getElementById('main');
  if (!main || !window.fetch || !window.DOMParser || !script) {
    return;
  }
  var updated = script.getAttribute('data-updated') || 'Status updated';

  // The live region sits outside main, so a swap never removes it.
  var live = document.createElement('div');
  live.className = 'sr-only';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  live.id = 'status-live';
  document.body.appendChild(live);

  var etag = null;
  var timer = null;
  var busy = false;

  // interval is 60 seconds when the banner says all is well, 30 otherwise.
  function interval() {
    var banner = document.getElementById('status-banner');
    return banner && banner.getAttribute('data-indicator') === 'none' ? 60000 : 30000;
  }

  // schedule sets the next request, unless the tab is hidden. The live region's data-next
  // says what comes: the delay in milliseconds, "loading", or "paused".
  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (document.hidden) {
      live.setAttribute('data-next', 'paused');
      return;
    }
    var ms = interval();
    live.setAttribute('data-next', String(ms));
    timer = setTimeout(refresh, ms);
  }

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, ' ').trim() : '';
  }

  // locate returns a selector that finds the same element in the new content: its id, or
  // a link's address.
  function locate(el) {
    if (!el || el === document.body || !main.contains(el)) {
      return null;
    }
    if (el.id) {
      return '#' + CSS.escape(el.id);
    }
    if (el.tagName === 'A' && el.getAttribute('href')) {
      return 'a[href="' + CSS.escape(el.getAttribute('href')) + '"]';
    }
    return null;
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var fresh = doc.getElementById('main');
    if (!fresh || text(fresh) === text(main)) {
      return;
    }
    var x = window.scrollX;
    var y = window.scrollY;
    var focus = locate(document.activeElement);
    var nodes = Array.prototype.slice.call(fresh.childNodes).map(function (n) {
      return document.importNode(n, true);
    });
    main.replaceChildren.apply(main, nodes);
    window.scrollTo(x, y);
    if (focus) {
      var again = main.querySelector(focus);
      if (again) {
        again.focus({ preventScroll: true });
      }
    }
    var banner = text(document.getElementById('status-banner')).replace(/^[✓✕!⚙]\s*/, '');
    live.textContent = banner ? updated + ': ' + banner : updated;
  }

  function refresh() {
    if (busy) {
      return;
    }
    busy = true;
    clearTimeout(timer);
    live.setAttribute('data-next', 'loading');
    var headers = { Accept: 'text/html' };
    if (etag) {
      headers['If-None-Match'] = etag;
    }
    // no-store: the browser's cache stays out of it, so the 304 comes to us.
    fetch(window.location.href, { headers: headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' })
      .then(function (res) {
        if (res.status !== 200) {
          return null;
        }
        etag = res.headers.get('ETag') || etag;
        return res.text();
      })
      .then(function (html) {
        if (html) {
          swap(html);
        }
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        schedule();
      });
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) {
      if (!busy) {
        schedule(); // paused; a request under way pauses when it ends
      }
    } else {
      refresh();
    }
  });
  schedule();
})();
