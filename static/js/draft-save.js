/* Action fund drafts: save a step on the server while the person types, and the partner
   search. Without JavaScript the step's buttons save the same way. */
(function () {
  "use strict";

  // Background save: a moment after the last change, every 20 seconds while something is
  // unsaved, and when the page is hidden (tab switched, phone locked).
  document.querySelectorAll("form[data-server-draft]").forEach(function (form) {
    var status = form.querySelector("[data-draft-status]");
    var timer = null;
    var dirty = false;
    var sending = false;
    var submitted = false;

    var show = function (text) {
      if (status && text) { status.textContent = text; }
    };

    var save = function (keepalive) {
      if (!dirty || sending || submitted) { return; }
      dirty = false;
      sending = true;
      var data = new FormData(form);
      data.delete("partner_q");
      fetch(form.dataset.serverDraft, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        keepalive: !!keepalive,
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (result) {
          sending = false;
          if (result.ok && result.body.saved) {
            show(result.body.message);
            if (status) { status.dataset.state = "saved"; }
          } else {
            dirty = true;
            show(result.body.message || form.dataset.draftFailed);
          }
        })
        .catch(function () {
          sending = false;
          dirty = true;
          show(form.dataset.draftFailed);
        });
    };

    var changed = function (event) {
      if (event.target && event.target.name === "partner_q") { return; }
      dirty = true;
      if (status) { status.dataset.state = "pending"; }
      show(form.dataset.draftPending);
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 1500);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.setInterval(save, 20000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    // The buttons save themselves; no background save may race them.
    form.addEventListener("submit", function () {
      submitted = true;
      window.clearTimeout(timer);
    });
  });
})();
