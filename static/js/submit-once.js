/* Submit once: for the portal's pages (after app.js) and for Django admin
   (templates/admin/base_site.html), where a double click on "Save" booked a payment twice. */
(function () {
  "use strict";

  // A double click or a double tap must not send a form twice. The buttons are NOT
  // disabled: a disabled button's name=value is left out of the request, which turned
  // "Submit proof of use" into "Save draft". The clicked button's value travels in a
  // hidden field, the form is marked busy, and every further submit is refused until the
  // next page arrives (or after a while, for forms answered with a download).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post" ||
        form.hasAttribute("data-submit-many") || form.hasAttribute("hx-post")) {
      return;
    }
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    var submitter = event.submitter;
    var carrier = form.querySelector("input[data-submitter]");
    if (carrier) { carrier.remove(); }
    if (submitter && submitter.name) {
      carrier = document.createElement("input");
      carrier.type = "hidden";
      carrier.name = submitter.name;
      carrier.value = submitter.value;
      carrier.setAttribute("data-submitter", "");
      form.appendChild(carrier);
    }
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
      b.classList.add("is-sending");
    });
    window.setTimeout(function () { release(form); }, 10000);
  });

  function release(form) {
    form.removeAttribute("aria-busy");
    form.querySelectorAll(".is-sending").forEach(function (b) {
      b.removeAttribute("aria-disabled");
      b.classList.remove("is-sending");
    });
  }
  // Back to a page from the browser's cache: its forms can be used again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { document.querySelectorAll("form[aria-busy=true]").forEach(release); }
  });
})();
