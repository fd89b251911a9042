// Meldpunt: the queue keeps itself up to date (docs/desk.md "The queue"). Without this
// script the page is complete: it says when it was made and has a "refresh" link. With it,
// the page asks the server for itself every 20 seconds (not while the tab is hidden, at
// once when it shows again) and puts the new rows, pager, time and menu counts in place.
// It waits while someone works on the page: while a row is ticked, or the focus is in one
// of its forms or the filter panel. A focused link in the list keeps the focus; a polite
// live region names incidents that are new in the list.
(function () {
  'use strict';

  var script = document.currentScript;
  var list = document.getElementById('queue-list');
  if (!list || !window.fetch || !window.DOMParser || !script) {
    return;
  }
  var newText = script.getAttribute('data-new') || 'New in the queue';
  var every = 20000;

  var live = document.createElement('div');
  live.className = 'sr-only';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  live.id = 'queue-live';
  document.body.appendChild(live);

  var timer = null;
  var busy = false;

  // paused tells whether someone works on the page: a ticked row, or the focus in a form
  // or in the filter panel. The live region's data-state says so, for people and tests.
  function paused() {
    if (document.querySelector('#queue-rows input[type=checkbox]:checked')) {
      return 'selected';
    }
    var el = document.activeElement;
    if (el && el !== document.body && el.closest && el.closest('form, details')) {
      return 'editing';
    }
    return '';
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = null;
    if (document.hidden) {
      live.setAttribute('data-state', 'hidden');
      return;
    }
    live.setAttribute('data-state', 'waiting');
    timer = setTimeout(refresh, ms === undefined ? every : ms);
  }

  function numbers(root) {
    var out = {};
    root.querySelectorAll('#queue-rows tr[id^="row-"]').forEach(function (tr) {
      out[tr.id] = tr;
    });
    return out;
  }

  function refresh() {
    var why = paused();
    if (why || busy) {
      live.setAttribute('data-state', why || 'busy');
      timer = setTimeout(refresh, 3000);
      return;
    }
    busy = true;
    live.setAttribute('data-state', 'loading');
    // The queue as shown: after a bulk action the address is the form's, so the refresh
    // link names the queue to ask for.
    var self = document.querySelector('#queue-updated a');
    fetch(self ? self.href : window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' }, cache: 'no-store' })
      .then(function (r) {
        if (!r.ok || r.redirected) {
          throw new Error('status ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        busy = false;
        if (paused()) { // someone started working while the page was on its way
          schedule(3000);
          return;
        }
        apply(new DOMParser().parseFromString(html, 'text/html'));
        schedule();
      })
      .catch(function () {
        busy = false;
        live.setAttribute('data-state', 'failed');
        schedule(every * 2);
      });
  }

  // apply puts the new page's list, time and counts in place, keeping the focus.
  function apply(doc) {
    var fresh = doc.getElementById('queue-list');
    if (!fresh) {
      return;
    }
    var focused = document.activeElement;
    var focusHref = focused && list.contains(focused) && focused.getAttribute('href');
    var focusID = focused && list.contains(focused) && focused.id;
    var before = numbers(document);
    var oldRows = document.getElementById('queue-rows');
    var newRows = fresh.querySelector('#queue-rows');
    if (oldRows && newRows) {
      oldRows.innerHTML = newRows.innerHTML;
      var oldPager = list.querySelector('.pager');
      var newPager = fresh.querySelector('.pager');
      if (oldPager && newPager) {
        oldPager.innerHTML = newPager.innerHTML;
      } else if (oldPager) {
        oldPager.remove();
      } else if (newPager) {
        list.appendChild(document.importNode(newPager, true));
      }
    } else {
      list.innerHTML = fresh.innerHTML;
    }
    var added = [];
    var after = numbers(document);
    Object.keys(after).forEach(function (id) {
      if (!before[id]) {
        added.push(id.replace(/^row-/, ''));
      }
    });
    if (added.length) {
      live.textContent = newText + ': ' + added.join(', ');
    }
    ['queue-updated-time', 'nav-count-mine', 'nav-count-assess'].forEach(function (id) {
      var el = document.getElementById(id);
      var src = doc.getElementById(id);
      if (el && src) {
        el.textContent = src.textContent;
      }
    });
    var back = null;
    if (focusID) {
      back = document.getElementById(focusID);
    } else if (focusHref) {
      back = list.querySelector('a[href="' + focusHref.replace(/"/g, '') + '"]');
    }
    if (back && back !== document.activeElement) {
      back.focus();
    }
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) {
      schedule();
    } else {
      schedule(0);
    }
  });
  schedule();
})();
