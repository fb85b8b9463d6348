// BTS's own script: small behaviour the pages work without. Loaded as a static file with the
// request's CSP nonce (templates/_base.html); no inline script anywhere.
(function () {
  "use strict";

  // An error summary (templates/_components/form_errors.html) takes focus when it appears, on
  // page load or in content htmx swapped in, so a screen reader reads it and the keyboard
  // starts there (WCAG 3.3.1). The first one on the page wins.
  function focusOnLoad(root) {
    var target = root.querySelector ? root.querySelector("[data-focus-on-load]") : null;
    if (!target && root.matches && root.matches("[data-focus-on-load]")) target = root;
    if (target) target.focus();
  }

  var FIELDS = "input:not([type=hidden]), select, textarea";

  // A link in the summary goes to its field. A group of checkboxes or radios is a <div> that
  // cannot take focus: focus its first choice instead, and open the fold it sits in.
  function followErrorLink(event) {
    var link = event.target.closest ? event.target.closest(".bts-error-summary a[href^='#']") : null;
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    var field = target.matches(FIELDS) ? target : target.querySelector(FIELDS);
    if (!field) return;
    event.preventDefault();
    var fold = field.closest("details");
    if (fold) fold.open = true;
    (field.closest(".bts-field") || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  // Enter in a search field inside a larger form searches, by clicking the button its
  // data-enter-clicks names, instead of submitting the whole form.
  function searchOnEnter(event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var field = event.target.closest ? event.target.closest("[data-enter-clicks]") : null;
    var button = field ? document.getElementById(field.getAttribute("data-enter-clicks")) : null;
    if (!button) return;
    event.preventDefault();
    button.click();
  }

  document.addEventListener("click", followErrorLink);
  document.addEventListener("keydown", searchOnEnter);
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) focusOnLoad(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusOnLoad(document); });
  } else {
    focusOnLoad(document);
  }
})();
