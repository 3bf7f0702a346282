// Live parts: an element with data-live="URL" is replaced by the HTML at URL every 1.5 s,
// until the fragment no longer carries data-live (the job ended).
(function () {
  function poll(el) {
    var url = el.getAttribute('data-live');
    if (!url) return;
    setTimeout(function () {
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var tpl = document.createElement('template');
          tpl.innerHTML = html.trim();
          var fresh = tpl.content.firstElementChild;
          el.replaceWith(fresh);
          poll(fresh);
        })
        .catch(function () { poll(el); });
    }, 1500);
  }
  // A form with data-confirm asks first. The text is an attribute, not script: a VM name with a
  // quote in it stays text (the Content-Security-Policy allows no inline script anyway).
  document.addEventListener('submit', function (e) {
    var text = e.target.getAttribute && e.target.getAttribute('data-confirm');
    if (text && !window.confirm(text)) e.preventDefault();
  });
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-live]').forEach(poll);
  });
})();
