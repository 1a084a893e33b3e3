/* Small progressive enhancements. Everything works without JavaScript too. */
(function () {
  "use strict";

  // Forms marked data-autosave keep what was typed in this browser until they are sent,
  // so a reload, a lost connection or an error page never throws input away.
  function autosave(form) {
    var key = "ikmo-draft:" + (form.dataset.autosave || location.pathname);
    var fields = form.querySelectorAll("input, textarea, select");
    var skip = function (el) {
      return !el.name || el.type === "password" || el.type === "file" || el.type === "hidden" ||
        el.name === "csrfmiddlewaretoken";
    };
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    // Server-side values (an error page) win over the browser copy.
    if (stored && !form.dataset.hasErrors) {
      fields.forEach(function (el) {
        if (skip(el) || !(el.name in stored)) { return; }
        var value = stored[el.name];
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = Array.isArray(value) ? value.indexOf(el.value) !== -1 : value === el.value;
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
        } else {
          el.value = value;
        }
      });
      var note = form.querySelector("[data-autosave-note]");
      if (note) { note.hidden = false; }
    }
    var save = function () {
      var data = {};
      fields.forEach(function (el) {
        if (skip(el)) { return; }
        if (el.type === "checkbox") {
          data[el.name] = data[el.name] || [];
          if (el.checked) { data[el.name].push(el.value); }
        } else if (el.type === "radio") {
          if (el.checked) { data[el.name] = el.value; }
        } else if (el.tagName === "SELECT" && el.multiple) {
          data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
            .map(function (o) { return o.value; });
        } else {
          data[el.name] = el.value;
        }
      });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () { sessionStorage.setItem("ikmo-draft-sent", key); });
  }

  // A successful submit lands on a page without the form: forget that draft then.
  var sent = sessionStorage.getItem("ikmo-draft-sent");
  if (sent) {
    sessionStorage.removeItem("ikmo-draft-sent");
    if (!document.querySelector("form[data-autosave][data-has-errors]")) {
      try { localStorage.removeItem(sent); } catch (e) { /* ignore */ }
    }
  }
  document.querySelectorAll("form[data-autosave]").forEach(autosave);

  // Buttons with data-confirm ask before destructive actions.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });

  // Put focus on the error summary so screen reader users hear what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
