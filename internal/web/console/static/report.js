// Meldpunt: the questionnaire's verdict while the client answers. Without this script the
// page works with its "Check" button; with it, every change asks the evaluate API and
// redraws the verdict panel, in the same structure and words the server uses.
(function () {
  'use strict';

  // The phone intake's first step: choosing the client goes on at once.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (sel) {
    sel.addEventListener('change', function () {
      if (sel.value) {
        sel.form.submit();
      }
    });
  });

  var form = document.getElementById('report-form');
  var panel = document.getElementById('verdict');
  if (!form || !panel) {
    return;
  }
  var texts = JSON.parse(panel.getAttribute('data-texts') || '{}');
  var required = (panel.getAttribute('data-required') || '').split(' ').filter(Boolean);
  var org = panel.getAttribute('data-org');
  var csrf = form.querySelector('input[name="csrf"]').value;

  // t formats a text: each %s or %d takes the next argument.
  function t(key) {
    var args = Array.prototype.slice.call(arguments, 1);
    var s = texts[key] || key;
    return s.replace(/%[sd]/g, function () {
      return args.length ? String(args.shift()) : '';
    });
  }

  // n formats the plural form of key that fits the count, by the page language's rules:
  // the catalog sends key.one and key.other.
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || 'nl') : null;
  function n(key, count) {
    var form = plurals ? plurals.select(count) : (count === 1 ? 'one' : 'other');
    return t(texts[key + '.' + form] !== undefined ? key + '.' + form : key + '.other', count);
  }

  function minutes(m) {
    var h = Math.floor(m / 60), mm = m % 60;
    if (h === 0) { return n('dur.minutes', mm); }
    if (mm === 0) { return n('dur.hours', h); }
    return t('dur.and', n('dur.hours', h), n('dur.minutes', mm));
  }

  function answers() {
    var a = {};
    form.querySelectorAll('input[name^="answers."]:checked').forEach(function (el) {
      var q = el.name.slice('answers.'.length);
      (a[q] = a[q] || []).push(el.value);
    });
    return a;
  }

  // draw replaces the panel's content: p has class, title, lead, reasons, note, lines.
  function draw(p) {
    var el = function (tag, text, cls) {
      var e = document.createElement(tag);
      if (text !== undefined) { e.textContent = text; }
      if (cls) { e.className = cls; }
      return e;
    };
    var nodes = [el('h2', p.title, 'verdict-title')];
    if (p.lead) { nodes.push(el('p', p.lead, 'lead')); }
    if (p.reasons && p.reasons.length) {
      var ul = el('ul', undefined, 'reasons');
      p.reasons.forEach(function (r) { ul.appendChild(el('li', r)); });
      nodes.push(ul);
    }
    if (p.note) { nodes.push(el('p', p.note, 'note')); }
    if (p.lines && p.lines.length) {
      var ls = el('ul', undefined, 'lines');
      p.lines.forEach(function (l) { ls.appendChild(el('li', l.text, l.warn ? 'warn' : '')); });
      nodes.push(ls);
    }
    panel.className = 'verdict ' + p.cls;
    panel.replaceChildren.apply(panel, nodes);
  }

  // fromVerdict builds the panel of the evaluate API's answer, as verdictPanel does.
  function fromVerdict(v) {
    var crit = (v.criteria || []).map(function (c) { return texts['criterion.' + c] || c; });
    var excl = (v.exclusions || []).map(function (e) { return texts['exclusion.' + e] || e; });
    var p = { lines: [] };
    if (v.verdict === 'urgent') {
      p.cls = 'urgent'; p.title = t('verdict.urgent_title'); p.lead = t('verdict.urgent_lead'); p.reasons = crit;
    } else {
      p.cls = 'regular'; p.title = t('verdict.regular_title');
      if (excl.length) {
        p.lead = t('verdict.regular_lead'); p.reasons = excl;
        if (crit.length) { p.note = t('verdict.outweighs', crit.join('; ')); }
      } else {
        p.lead = t('verdict.no_criteria');
      }
    }
    if (v.priority) {
      p.lines.push({ text: t('verdict.priority', v.priority, texts['priority.' + v.priority] || '',
        texts['level.' + v.urgency] || v.urgency, texts['level.' + v.impact] || v.impact) });
    }
    var c = v.contract;
    if (!c) {
      p.lines.push({ text: t('verdict.no_contract'), warn: true });
      return p;
    }
    if (v.verdict === 'urgent' && !c.covers_urgent) {
      p.lines.push({ text: t('verdict.not_covered', c.contract_name), warn: true });
    }
    if (c.first_response_minutes > 0 && c.resolution_minutes > 0) {
      p.lines.push({ text: t('verdict.targets', c.contract_name, v.priority,
        minutes(c.first_response_minutes), minutes(c.resolution_minutes)) });
    }
    p.lines.push({ text: t('verdict.hours', texts['hours.' + c.support_hours] || c.support_hours) });
    if (!c.in_support_hours) {
      p.lines.push({ text: t('verdict.outside_hours'), warn: true });
    }
    p.lines.push({ text: t('verdict.no_guarantee') });
    return p;
  }

  var seq = 0;
  function evaluate() {
    var a = answers();
    var missing = required.filter(function (q) { return !a[q]; }).length;
    var n = ++seq;
    if (missing > 0) {
      draw({ cls: 'pending', title: t('verdict.pending_title'),
        lead: Object.keys(a).length ? t('verdict.missing', missing) : t('verdict.pending_js') });
      return;
    }
    panel.setAttribute('aria-busy', 'true');
    var body = { answers: a };
    if (org) { body.organisation_id = Number(org); }
    fetch('/api/v1/questionnaire/evaluate', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (res) {
      if (!res.ok) { throw new Error('status ' + res.status); }
      return res.json();
    }).then(function (v) {
      if (n === seq) { draw(fromVerdict(v)); }
    }).catch(function () {
      if (n === seq) {
        draw({ cls: 'error', title: t('verdict.error_title'), lead: t('verdict.error') });
        document.getElementById('check').hidden = false;
      }
    }).finally(function () {
      if (n === seq) { panel.removeAttribute('aria-busy'); }
    });
  }

  // The verdict follows the answers; the check button is only needed without a script.
  document.getElementById('check').hidden = true;
  form.addEventListener('change', function (e) {
    if (e.target.name && e.target.name.indexOf('answers.') === 0) {
      evaluate();
    }
  });
  // A page shown again after a check or an error already has its verdict; a new page
  // says how the panel works with the script.
  if (panel.classList.contains('pending')) {
    evaluate();
  }
}());
