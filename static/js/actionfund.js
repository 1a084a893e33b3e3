/* Action fund: live budget total, adding budget lines, the confirmation before submitting. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "de";

  // The page's decimal separator as the browser writes numbers in its language.
  var decimalSeparator = (function () {
    try {
      var part = new Intl.NumberFormat(lang).formatToParts(1.5).filter(function (p) { return p.type === "decimal"; })[0];
      return part && part.value === "," ? "," : ".";
    } catch (e) { return ","; }
  }());

  // The same reading as the server (ikmo/formfields.py parse_decimal): German "1.200,50"
  // and English "1,200.50" alike; what reads two ways or not at all counts as nothing.
  function parseAmount(value) {
    var text = String(value || "")
      .replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/[\u06f0-\u06f9]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); })
      .replace(/\u066b/g, decimalSeparator).replace(/\u066c/g, decimalSeparator === "," ? "." : ",")
      .replace(/[\s\u00a0\u202f\u2009\u200e\u200f'\u2019]|€|eur(o)?|\u064a\u0648\u0631\u0648/gi, "");
    var m = /^([+-]?)([\d.,]+)$/.exec(text);
    if (!m || !/\d/.test(text)) { return NaN; }
    var sign = m[1], body = m[2], group = decimalSeparator === "," ? "." : ",";
    var seps = body.replace(/\d/g, "");
    var whole, fraction = "";
    if (!seps) {
      whole = body;
    } else if (seps.indexOf(".") !== -1 && seps.indexOf(",") !== -1) {
      var dec = seps.charAt(seps.length - 1), grp = dec === "." ? "," : ".";
      var at = body.lastIndexOf(dec);
      whole = body.slice(0, at);
      fraction = body.slice(at + 1);
      var grouped = new RegExp("^\\d{1,3}(\\" + grp + "\\d{3})+$");
      if (whole.indexOf(dec) !== -1 || !grouped.test(whole) || !fraction) { return NaN; }
      whole = whole.split(grp).join("");
    } else if (seps.length > 1) {
      var sep = seps.charAt(0);
      if (!new RegExp("^\\d{1,3}(\\" + sep + "\\d{3})+$").test(body)) { return NaN; }
      whole = body.split(sep).join("");
    } else {
      var parts = body.split(seps);
      whole = parts[0];
      fraction = parts[1];
      if (!fraction) { return NaN; }
      if (fraction.length === 3 && /^[1-9]\d{0,2}$/.test(whole)) {
        if (seps !== group) { return NaN; }  // "1,200" on a German page: unclear
        whole += fraction;
        fraction = "";
      }
    }
    return parseFloat(sign + (whole || "0") + (fraction ? "." + fraction : ""));
  }

  function format(n) {
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" }).format(n);
    } catch (e) {
      return n.toFixed(2) + " EUR";
    }
  }

  var form = document.querySelector("[data-budget-form]");
  if (form) {
    var ceiling = parseFloat(form.dataset.ceiling) || 0;  // written by the server as 1500.00
    var totalEl = form.querySelector("[data-budget-total]");
    var overEl = form.querySelector("[data-budget-over]");
    var unclearEl = form.querySelector("[data-budget-unclear]");
    var lines = form.querySelector("[data-budget-lines]");
    var template = form.querySelector("[data-budget-template]");
    var addButton = form.querySelector("[data-budget-add]");
    var totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");

    var update = function () {
      var total = 0, unclear = false;
      form.querySelectorAll("[data-budget-line]").forEach(function (line) {
        var del = line.querySelector("[data-budget-delete]");
        var amount = line.querySelector("[data-budget-amount]");
        if (!amount || (del && del.checked)) { return; }
        // An empty amount (the spare line of a new budget) is nothing, not an unreadable one.
        if (!amount.value.trim()) { return; }
        var value = parseAmount(amount.value);
        if (isNaN(value)) { unclear = true; } else { total += value; }
      });
      totalEl.textContent = format(total);
      if (unclearEl) { unclearEl.hidden = !unclear; }
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

  // Submitting once (a double click sends nothing twice) is app.js's job, for every form.

  // The confirmation checkbox on the preview enables the submit button.
  var confirmBox = document.querySelector("form[data-submit-once] #id_confirm");
  if (confirmBox && !confirmBox.disabled) {
    var button = confirmBox.form.querySelector("[data-submit-button]");
    var sync = function () { button.disabled = !confirmBox.checked; };
    confirmBox.addEventListener("change", sync);
    sync();
  }
})();
