/* Volunteer service desk: small progressive enhancements; the forms work without them. */
(function () {
  "use strict";

  // The migration background may only be recorded with consent: keep the field off until then.
  document.querySelectorAll("form[data-volunteer-form]").forEach(function (form) {
    var consent = form.querySelector("input[name$='migration_background_consent']");
    var field = form.querySelector("[data-migration-background] select");
    if (!consent || !field) { return; }
    var sync = function () {
      field.disabled = !consent.checked;
      if (!consent.checked) { field.value = ""; }
    };
    consent.addEventListener("change", sync);
    sync();
  });

  // Recognition details matter only for placement sites and carriers.
  document.querySelectorAll("form[data-status-form]").forEach(function (form) {
    var status = form.querySelector("select[name='status']");
    var fields = form.querySelector("[data-recognition-fields]");
    if (!status || !fields) { return; }
    var sync = function () {
      var site = status.value === "recognised" || status.value === "carrier";
      fields.hidden = !site;
      var carrier = fields.querySelector("[name='carrier']");
      if (carrier) { carrier.closest(".mb-3").hidden = status.value !== "recognised"; }
    };
    status.addEventListener("change", sync);
    sync();
  });
})();
