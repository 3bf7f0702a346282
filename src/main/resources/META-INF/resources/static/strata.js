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
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-live]').forEach(poll);
  });
})();
