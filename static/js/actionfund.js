/* Action fund: live budget total, adding budget lines, and submit buttons that work once. */
(function () {
  "use strict";

  function parseAmount(value) {
    var n = parseFloat(String(value || "").replace(",", "."));
    return isNaN(n) ? 0 : n;
  }

  function format(n) {
    var lang = document.documentElement.lang || "de";
    try {
      return n.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch (e) {
      return n.toFixed(2);
    }
  }

  var form = document.querySelector("[data-budget-form]");
  if (form) {
    var ceiling = parseAmount(form.dataset.ceiling);
    var totalEl = form.querySelector("[data-budget-total]");
    var overEl = form.querySelector("[data-budget-over]");
    var lines = form.querySelector("[data-budget-lines]");
    var template = form.querySelector("[data-budget-template]");
    var addButton = form.querySelector("[data-budget-add]");
    var totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");

    var update = function () {
      var total = 0;
      form.querySelectorAll("[data-budget-line]").forEach(function (line) {
        var del = line.querySelector("[data-budget-delete]");
        var amount = line.querySelector("[data-budget-amount]");
        if (amount && !(del && del.checked)) { total += parseAmount(amount.value); }
      });
      totalEl.textContent = format(total);
      var over = ceiling > 0 && total > ceiling + 0.0001;
      overEl.hidden = !over;
      totalEl.classList.toggle("text-danger", over);
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();

    if (template && addButton && totalForms) {
      addButton.hidden = false;
      addButton.addEventListener("click", function () {
        var index = parseInt(totalForms.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var line = holder.firstElementChild;
        lines.appendChild(line);
        totalForms.value = String(index + 1);
        var first = line.querySelector("select, input");
        if (first) { first.focus(); }
      });
    }
  }

  // A submit button used once: a second click (or a double tap) does not send again.
  document.querySelectorAll("form[data-submit-once]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (f.dataset.sending) { event.preventDefault(); return; }
      f.dataset.sending = "1";
      f.querySelectorAll("[data-submit-button]").forEach(function (b) {
        b.disabled = true;
        b.setAttribute("aria-disabled", "true");
      });
    });
  });

  // The confirmation checkbox on the preview enables the submit button.
  var confirmBox = document.querySelector("form[data-submit-once] #id_confirm");
  if (confirmBox && !confirmBox.disabled) {
    var button = confirmBox.form.querySelector("[data-submit-button]");
    var sync = function () { button.disabled = !confirmBox.checked; };
    confirmBox.addEventListener("change", sync);
    sync();
  }
})();
