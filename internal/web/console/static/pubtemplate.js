// Meldpunt: the template chooser of the desk's public-incident forms (docs/status-page.md
// "Message templates"). Without this script the "Use template" button sends the form back
// with the template's status and message filled in. With it, choosing a template fills the
// form's status and its Dutch and English message at once, a polite live region says so,
// and the button goes (so Enter in a field still publishes).
(function () {
  'use strict';

  var choosers = document.querySelectorAll('[data-template-chooser]');
  Array.prototype.forEach.call(choosers, function (chooser) {
    var select = chooser.querySelector('select');
    var form = chooser.closest('form');
    if (!select || !form) {
      return;
    }
    var button = chooser.querySelector('[data-template-use]');
    if (button) {
      button.parentNode.removeChild(button);
    }
    var live = chooser.querySelector('[data-template-live]');
    select.addEventListener('change', function () {
      var option = select.options[select.selectedIndex];
      if (!option || !option.hasAttribute('data-status')) {
        return;
      }
      var status = form.querySelector('select[name="status"]');
      if (status) {
        status.value = option.getAttribute('data-status');
      }
      var nl = form.querySelector('textarea[name="body.nl"]');
      var en = form.querySelector('textarea[name="body.en"]');
      if (nl) {
        nl.value = option.getAttribute('data-nl') || '';
      }
      if (en) {
        en.value = option.getAttribute('data-en') || '';
      }
      if (live) {
        live.textContent = chooser.getAttribute('data-filled') || '';
      }
    });
  });
})();
