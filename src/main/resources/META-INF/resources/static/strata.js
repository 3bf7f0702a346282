// Live parts are htmx with its server-sent-events extension (see the job page); this file only
// asks before a form with data-confirm is sent. The text is an attribute, not script: a VM name
// with a quote in it stays text (the Content-Security-Policy allows no inline script anyway).
document.addEventListener('submit', function (e) {
  var text = e.target.getAttribute && e.target.getAttribute('data-confirm');
  if (text && !window.confirm(text)) e.preventDefault();
});
