/* A filter that applies itself: a control marked data-submit-on-change sends its form when
   it changes (the page's <noscript> button does it without JavaScript). */
(function () {
  "use strict";
  document.querySelectorAll("[data-submit-on-change]").forEach(function (control) {
    control.addEventListener("change", function () { control.form.submit(); });
  });
})();
