// Live parts are htmx with its server-sent-events extension (see the job page); this file holds
// the two form behaviours htmx has no attribute for. The Content-Security-Policy allows no inline
// script or handler, so pages carry data- attributes and these listeners act on them.

// A form with data-confirm asks first. The text is an attribute, not script: a VM name with a
// quote in it stays text.
document.addEventListener('submit', function (e) {
  var text = e.target.getAttribute && e.target.getAttribute('data-confirm');
  if (text && !window.confirm(text)) e.preventDefault();
});
// The snapshot form's kind: quiesce follows it when the guest agent answers (data-quiesce-external),
// since only an external snapshot of a running VM with an agent can quiesce.
document.addEventListener('change', function (e) {
  var t = e.target;
  var agent = t.getAttribute && t.getAttribute('data-quiesce-external');
  if (agent !== null && agent !== undefined && t.form && t.form.quiesce) {
    t.form.quiesce.checked = t.value === 'external' && agent === 'true';
  }
});
