/* Small progressive enhancements. Everything works without JavaScript too. */
(function () {
  "use strict";

  var body = document.body;
  var PREFIX = "ikmo-draft:";
  var OWNER_KEY = "ikmo-draft-owner";
  var SENT_KEY = "ikmo-draft-sent";
  var SAVED_COOKIE = "ikmo_saved";

  function storage(kind) {
    try { return window[kind]; } catch (e) { return null; }  // blocked storage throws
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  // ---- Browser drafts -----------------------------------------------------------------
  // Forms marked data-autosave keep what was typed in this browser until the server has
  // confirmed it, so a reload, a lost connection, an error page or an expired session
  // never throws input away. Drafts belong to one person: they are keyed by an opaque
  // value of the signed-in account (body[data-draft-owner], an HMAC, never the id or
  // e-mail), wiped at sign-out and whenever another person signs in on this browser.
  // Fields marked data-no-draft (confidential notes, volunteers' personal data) are
  // never written to the browser at all.
  var owner = body.dataset.draftOwner || "";

  function draftKeys() {
    var keys = [];
    if (!local) { return keys; }
    for (var i = 0; i < local.length; i++) {
      var key = local.key(i);
      if (key && key.indexOf(PREFIX) === 0) { keys.push(key); }
    }
    return keys;
  }

  function wipeDrafts(keep) {
    draftKeys().forEach(function (key) {
      if (!keep || key.indexOf(keep) !== 0) { local.removeItem(key); }
    });
  }

  if (local && owner) {
    // Another person (or drafts from before drafts had owners): nothing of theirs stays.
    if (local.getItem(OWNER_KEY) !== owner) { wipeDrafts(null); }
    wipeDrafts(PREFIX + owner + ":");
    try { local.setItem(OWNER_KEY, owner); } catch (e) { /* storage full */ }
  }
  // On pages without a signed-in person (e.g. the sign-in page after an expired session)
  // drafts are left alone: the same person signs in again and finds their text.

  function isSignOut(form) {
    var url = body.dataset.signoutUrl;
    if (!url || !form.action) { return false; }
    try { return new URL(form.action, location.href).pathname === url; } catch (e) { return false; }
  }

  document.addEventListener("submit", function (event) {
    if (local && isSignOut(event.target)) {
      wipeDrafts(null);
      local.removeItem(OWNER_KEY);
    }
  }, true);

  function confidential(el) {
    return el.closest("[data-no-draft]") !== null;
  }

  // Every POST form with something to type keeps a draft, not only those marked
  // data-autosave: an error page or an expired session must lose nothing anywhere. Left
  // out: forms with a password or a one-time code, forms marked data-no-autosave, htmx
  // forms and forms with nothing to type (buttons, choices).
  var TYPED = "textarea, input:not([type]), input[type=text], input[type=email], " +
    "input[type=number], input[type=date], input[type=datetime-local], input[type=time], " +
    "input[type=url], input[type=tel], input[type=search]";
  function wantsDraft(form) {
    if (form.hasAttribute("data-autosave")) { return true; }
    if ((form.getAttribute("method") || "").toLowerCase() !== "post" ||
        form.hasAttribute("data-no-autosave") || form.hasAttribute("hx-post")) { return false; }
    if (form.querySelector("input[type=password], input[autocomplete=one-time-code]")) { return false; }
    return form.querySelector(TYPED) !== null;
  }

  function draftName(form) {
    if (form.hasAttribute("data-autosave")) { return form.dataset.autosave || location.pathname; }
    // Several forms on one page (one per organisation, say) each keep their own draft.
    var action = location.pathname;
    try { action = new URL(form.action || location.href, location.href).pathname; } catch (e) { /* keep */ }
    return location.pathname + "|" + action;
  }

  function hasErrors(form) {
    return Boolean(form.dataset.hasErrors) ||
      form.querySelector(".is-invalid, .invalid-feedback, .errorlist, [aria-invalid=true]") !== null;
  }

  // A chooser (static/js/chooser.js) holds only the chosen options: the draft keeps their
  // labels too, so the chosen organisation or person comes back with its name.
  function isChooser(el) {
    return el.tagName === "SELECT" && el.hasAttribute("data-chooser-url");
  }

  function chooserValue(select) {
    var chosen = Array.prototype.filter.call(select.options, function (o) {
      return o.selected && o.value !== "";
    });
    return {
      chosen: chosen.map(function (o) { return { value: o.value, label: o.text }; }),
    };
  }

  function restoreChooser(select, value) {
    if (!value || !Array.isArray(value.chosen)) { return false; }
    var before = JSON.stringify(chooserValue(select));
    var wanted = value.chosen.map(function (c) { return String(c.value); });
    value.chosen.forEach(function (c) {
      var present = Array.prototype.some.call(select.options, function (o) {
        return o.value === String(c.value);
      });
      if (!present) { select.add(new Option(String(c.label), String(c.value))); }
    });
    Array.prototype.forEach.call(select.options, function (o) {
      o.selected = wanted.indexOf(o.value) !== -1 || (o.value === "" && !wanted.length);
    });
    return JSON.stringify(chooserValue(select)) !== before;
  }

  function autosave(form) {
    if (!local || confidential(form)) { return; }
    var key = PREFIX + (owner || "anonymous") + ":" + draftName(form);
    var skip = function (el) {
      return !el.name || el.type === "password" || el.type === "file" || el.type === "hidden" ||
        el.type === "submit" || el.name === "csrfmiddlewaretoken" || confidential(el);
    };
    var fields = function () { return form.querySelectorAll("input, textarea, select"); };
    var stored = null;
    try { stored = JSON.parse(local.getItem(key) || "null"); } catch (e) { stored = null; }
    // Server-side values (an error page) win over the browser copy.
    if (stored && !hasErrors(form)) {
      var restored = false;
      fields().forEach(function (el) {
        if (skip(el) || !(el.name in stored)) { return; }
        var value = stored[el.name];
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = Array.isArray(value) ? value.indexOf(el.value) !== -1 : value === el.value;
        } else if (isChooser(el)) {
          if (restoreChooser(el, value)) { restored = true; }
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
        } else {
          if (el.value !== value) { restored = true; }
          el.value = value;
        }
      });
      var note = form.querySelector("[data-autosave-note]");
      if (note) {
        note.hidden = false;
      } else if (restored && body.dataset.draftRestored) {
        // Forms without a note of their own still say where the text came from.
        note = document.createElement("p");
        note.className = "alert alert-info py-2 small";
        note.setAttribute("role", "status");
        note.setAttribute("data-autosave-note", "");
        note.textContent = body.dataset.draftRestored;
        var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
        form.insertBefore(note, csrf ? csrf.nextSibling : form.firstChild);
      }
    }
    var save = function () {
      var data = {};
      fields().forEach(function (el) {
        if (skip(el)) { return; }
        if (el.type === "checkbox") {
          data[el.name] = data[el.name] || [];
          if (el.checked) { data[el.name].push(el.value); }
        } else if (el.type === "radio") {
          if (el.checked) { data[el.name] = el.value; }
        } else if (isChooser(el)) {
          data[el.name] = chooserValue(el);
        } else if (el.tagName === "SELECT" && el.multiple) {
          data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
            .map(function (o) { return o.value; });
        } else {
          data[el.name] = el.value;
        }
      });
      try { local.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () {
      save();
      if (session) { session.setItem(SENT_KEY, key); }
    });
  }

  // The draft is forgotten only when the server confirmed the save: after a successful
  // POST it sets a short-lived cookie (ikmo/middleware.py, FormDraftMiddleware). An error
  // page, the sign-in page of an expired session or a lost connection keep the draft.
  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? match[1] : null;
  }
  var sent = session ? session.getItem(SENT_KEY) : null;
  var saved = readCookie(SAVED_COOKIE);
  if (saved) {
    document.cookie = SAVED_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
  }
  if (sent) {
    session.removeItem(SENT_KEY);
    if (saved && owner && local) { local.removeItem(sent); }
  }
  Array.prototype.filter.call(document.forms, wantsDraft).forEach(autosave);

  // ---- Required fields ------------------------------------------------------------------
  // Required fields carry an asterisk from the start (crispy forms); say once what it means.
  var legendText = body.dataset.requiredLegend;
  if (legendText) {
    document.querySelectorAll("main form").forEach(function (form) {
      if (!form.querySelector(".asteriskField") || form.querySelector("[data-required-legend]")) { return; }
      var legend = document.createElement("p");
      legend.className = "small text-body-secondary required-legend";
      legend.setAttribute("data-required-legend", "");
      var star = document.createElement("span");
      star.className = "asteriskField";
      star.setAttribute("aria-hidden", "true");
      star.textContent = "*";
      legend.appendChild(star);
      legend.appendChild(document.createTextNode(" " + legendText));
      var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
      form.insertBefore(legend, csrf ? csrf.nextSibling : form.firstChild);
    });
  }

  // A field required unless another has a certain value (e.g. the founding year, unless the
  // organisation is still being founded), or only if it has one (the funder, for outside
  // funding): its mark follows the other field as it changes.
  document.querySelectorAll("[data-required-unless-field], [data-required-if-field]").forEach(function (field) {
    var unless = field.dataset.requiredUnlessField;
    var other = field.form && field.form.elements[unless || field.dataset.requiredIfField];
    var label = field.id && document.querySelector("label[for='" + field.id + "']");
    if (!other || !label) { return; }
    var star = document.createElement("span");
    star.className = "asteriskField";
    star.textContent = "*";
    var sync = function () {
      var required = unless
        ? other.value !== "" && other.value !== field.dataset.requiredUnlessValue
        : other.value === field.dataset.requiredIfValue;
      if (required && !star.parentNode) { label.appendChild(star); }
      if (!required && star.parentNode) { star.remove(); }
      field.setAttribute("aria-required", required ? "true" : "false");
    };
    other.addEventListener("change", sync);
    sync();
  });

  // ---- Step bars ----------------------------------------------------------------------
  // On a phone the step bar scrolls sideways: show the current step, not the first ones.
  document.querySelectorAll("[data-step-bar]").forEach(function (bar) {
    var current = bar.querySelector("[aria-current=step]");
    if (!current || bar.scrollWidth <= bar.clientWidth) { return; }
    var barBox = bar.getBoundingClientRect();
    var box = current.getBoundingClientRect();
    bar.scrollLeft += (box.left + box.width / 2) - (barBox.left + barBox.width / 2);
  });

  // Buttons with data-confirm ask before destructive actions.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });

  // A "copy" button copies its target's text (the new API token) and says so; where the
  // clipboard is not available, the text is selected for the person to copy.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var target = document.querySelector(button.dataset.copyTarget);
    if (!target) { return; }
    target.focus();
    target.select();
    var done = function () {
      button.dataset.label = button.dataset.label || button.textContent;
      button.textContent = button.dataset.copiedText || button.dataset.label;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(target.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });

  // ---- Parts loaded after the page (htmx) ----------------------------------------------
  // A part that loads once the page is shown (hx-trigger="load", marked data-load-error
  // with a message in the page's language) must not spin forever when its request fails,
  // nor show another page inside it (an expired session answers with the sign-in page): it
  // says so, stops being busy, and keeps its plain link to the part as a page of its own.
  function lazyPart(event) {
    var el = event.detail && event.detail.elt;
    return el && el.hasAttribute && el.hasAttribute("data-load-error") ? el : null;
  }

  function loadFailed(el) {
    if (el.getAttribute("aria-busy") === "false") { return; }  // said so already
    el.setAttribute("aria-busy", "false");
    var spinner = el.querySelector(".spinner-border");
    if (spinner) { spinner.remove(); }
    var note = document.createElement("p");
    note.className = "text-danger small mb-1";
    note.setAttribute("role", "alert");
    note.textContent = el.dataset.loadError;
    el.insertBefore(note, el.firstChild);
  }

  ["htmx:responseError", "htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var el = lazyPart(event);
      if (el) { loadFailed(el); }
    });
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var el = lazyPart(event);
    var xhr = event.detail.xhr;
    if (!el || !xhr || !xhr.responseURL) { return; }
    var asked = new URL(el.getAttribute("hx-get"), location.href).pathname;
    if (new URL(xhr.responseURL).pathname !== asked) {
      event.detail.shouldSwap = false;
      loadFailed(el);
    }
  });

  // ---- Lists shown as cards on a phone (.table-stack, app.css) ---------------------------
  // Each cell gets its column's name as data-label (unless its template gave one), taken
  // from the header row without its screen-reader-only text (an "Actions" column keeps no
  // visible name). The table's parts get their roles: CSS lays them out as blocks on a
  // phone, and a table laid out so no longer tells a screen reader its rows and columns.
  var STACK_ROLES = { THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell" };
  function visibleName(cell) {
    var copy = cell.cloneNode(true);
    copy.querySelectorAll(".visually-hidden").forEach(function (hidden) { hidden.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  function stackTables(root) {
    (root || document).querySelectorAll("table.table-stack").forEach(function (table) {
      var names = [];
      var head = table.tHead && table.tHead.rows[0];
      if (head) {
        Array.prototype.forEach.call(head.cells, function (th) {
          for (var i = 0; i < th.colSpan; i++) { names.push(visibleName(th)); }
        });
      }
      table.querySelectorAll("thead, tbody, tfoot, tr, th, td").forEach(function (part) {
        if (part.closest("table") !== table || part.hasAttribute("role")) { return; }
        var role = STACK_ROLES[part.tagName];
        if (part.tagName === "TH") {
          role = part.parentNode.parentNode.tagName === "THEAD" ? "columnheader" : "rowheader";
        }
        part.setAttribute("role", role);
      });
      table.setAttribute("role", "table");
      Array.prototype.forEach.call(table.querySelectorAll("tbody > tr, tfoot > tr"), function (row) {
        if (row.closest("table") !== table) { return; }
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = cell.colSpan === 1 ? names[column] : "";
          if (name && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", name); }
          column += cell.colSpan;
        });
      });
    });
  }
  stackTables();

  // ---- Tables wider than the screen ---------------------------------------------------
  // A table too wide for the screen scrolls inside its .table-responsive box. A keyboard
  // user can only scroll it if the box takes the focus (WCAG 2.1.1), and a screen reader
  // user should hear what it holds: while it scrolls, the box is a named region in the tab
  // order (named after the table's caption); when everything fits, it is not a tab stop.
  function markScrollingTables(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(function (box) {
      var ours = box.dataset.scrollRegion === "auto";
      if (box.hasAttribute("tabindex") && !ours) { return; }  // the template set it up itself
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        if (caption && caption.textContent.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
        box.dataset.scrollRegion = "auto";
      } else if (ours) {
        ["tabindex", "role", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
        delete box.dataset.scrollRegion;
      }
    });
  }
  markScrollingTables();
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () { markScrollingTables(); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var part = event.detail && event.detail.elt ? event.detail.elt.parentNode : null;
    stackTables(part);
    markScrollingTables(part);
  });

  // Put focus on the error summary so screen reader users hear what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
