/* Choosers of organisations, people and workshops (ikmo/choosers.py).

   The page holds a <select data-chooser-url> with only the chosen option(s); Tom Select
   (static/vendor/tom-select.complete.min.js, loaded here only on pages that have a chooser)
   turns it into a searchable combobox that asks the portal for one page of matches at a time.
   Every word it shows comes from the select's data- attributes, in the page's language.
   Without JavaScript the select keeps what was chosen, and the form works as before. */
(function () {
  "use strict";

  var selects = document.querySelectorAll("select[data-chooser-url]");
  var script = document.currentScript;
  if (!selects.length || !script) { return; }

  function text(className, words) {
    var el = document.createElement("div");
    el.className = className;
    el.textContent = words || "";
    return el;
  }

  function enhance(select) {
    var data = select.dataset;
    var describedBy = select.getAttribute("aria-describedby");
    var invalid = select.getAttribute("aria-invalid");
    var required = select.required;
    // The portal says what is missing, next to the field and in the page's language (as on
    // every other field): the browser's own bubble could not point at the hidden select.
    select.required = false;

    // Read out what the list is doing; Tom Select itself only updates the list.
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var say = function (words) { status.textContent = words || ""; };

    var pageUrl = function (query, page) {
      var url = new URL(data.chooserUrl, window.location.href);
      url.searchParams.set("q", query);
      url.searchParams.set("page", String(page));
      return url.toString();
    };

    var plugins = {
      virtual_scroll: {},
    };
    if (select.multiple) {
      plugins.remove_button = {
        title: data.chooserRemove,
        html: function (options) {
          var button = document.createElement("span");
          button.className = options.className;
          button.setAttribute("role", "button");
          button.setAttribute("aria-label", options.title);
          button.title = options.title;
          button.tabIndex = -1;
          button.textContent = "×";
          return button;
        },
      };
    }

    // What the portal answered to each text typed: value -> place in its answer. The list
    // shows exactly that answer, in the portal's order. Names loaded for other letters stay
    // hidden meanwhile: while an answer is on its way, a tap must not choose a name found
    // for something else (on a slow connection the earlier list stayed under the finger).
    var answers = {};
    var remember = function (query, results) {
      var answer = answers[query] || (answers[query] = { size: 0, place: {} });
      results.forEach(function (result) {
        var key = String(result.value);
        if (!(key in answer.place)) { answer.place[key] = answer.size++; }
      });
    };

    var justChosen = false;
    var tom = new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      // The portal has searched (in every spelling, by district too): keep its order and
      // everything it found, and nothing else.
      score: function (query) {
        var answer = answers[query];
        return function (option) {
          var place = answer && answer.place[String(option.value)];
          return place === undefined ? 0 : 1 / (1 + place);
        };
      },
      maxOptions: null,
      // One name chosen: the list closes (on a phone it would cover the rest of the form).
      closeAfterSelect: !select.multiple,
      preload: "focus",
      loadThrottle: 300,
      shouldLoad: function (query) { return query.trim().length >= 1; },
      firstUrl: function (query) { return pageUrl(query, 1); },
      load: function (query, callback) {
        var self = this;
        var url = self.getUrl(query);
        say(data.chooserSearching);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
          })
          .then(function (answer) {
            if (answer.more) {
              var next = new URL(url);
              next.searchParams.set("page", String(Number(next.searchParams.get("page")) + 1));
              self.setNextUrl(query, next.toString());
            }
            say(answer.results.length ? "" : data.chooserNoResults);
            remember(query, answer.results);
            callback(answer.results);
          })
          .catch(function () {
            say(data.chooserFailed);
            callback();
          });
      },
      plugins: plugins,
      render: {
        option: function (item) {
          var option = document.createElement("div");
          var name = document.createElement("bdi");
          name.textContent = item.text;
          option.appendChild(name);
          if (item.detail) {
            option.appendChild(text("small text-body-secondary", item.detail));
          }
          return option;
        },
        item: function (item) {
          // Written and cut off ("…") in the name's own direction, whatever the page's.
          var chosen = document.createElement("div");
          chosen.dir = "auto";
          chosen.textContent = item.text;
          return chosen;
        },
        loading: function () { return text("ts-chooser-note", data.chooserSearching); },
        no_results: function () { return text("no-results", data.chooserNoResults); },
        loading_more: function () { return text("loading-more-results", data.chooserMore); },
        no_more_results: function () { return null; },
      },
    });

    // What crispy forms put on the select belongs to the combobox now: its help text and
    // error message, and whether it is invalid or required. The label already points at it
    // (Tom Select moved label[for]).
    var combobox = tom.control_input;
    if (describedBy) { combobox.setAttribute("aria-describedby", describedBy); }
    if (invalid) { combobox.setAttribute("aria-invalid", invalid); }
    if (required) { combobox.setAttribute("aria-required", "true"); }
    // A closed list has no active option: Tom Select would leave the combobox pointing at
    // an option that is gone.
    var forgetActive = function () { combobox.removeAttribute("aria-activedescendant"); };
    tom.on("dropdown_close", forgetActive);
    if (!select.multiple) {
      // A name chosen closes the list, and a search answer arriving afterwards (typing
      // sends several) does not open it again: on a phone it would cover the form and take
      // the next tap. Tapping the field or typing again opens it as before.
      var open = tom.open.bind(tom);
      tom.open = function () { if (!justChosen) { open(); } };
      // Also when the name chosen is the one already there (no item_add then).
      var onOptionSelect = tom.onOptionSelect.bind(tom);
      tom.onOptionSelect = function (event, option) {
        var result = onOptionSelect(event, option);
        justChosen = true;
        tom.close();
        return result;
      };
      tom.wrapper.addEventListener("pointerdown", function () { justChosen = false; }, true);
      combobox.addEventListener("input", function () { justChosen = false; });
      combobox.addEventListener("keydown", function (event) {
        if (event.key === "ArrowDown" || event.key === "Enter") { justChosen = false; }
      });
    }
    tom.on("change", function () {
      if (!tom.isOpen) { forgetActive(); }
    });
    // The select stays in the form (it is what is sent) but is no second, unlabelled field
    // for screen readers.
    select.setAttribute("aria-hidden", "true");
    tom.wrapper.insertAdjacentElement("afterend", status);
  }

  function start() {
    Array.prototype.forEach.call(selects, enhance);
  }

  if (window.TomSelect) {
    start();
  } else {
    var library = document.createElement("script");
    library.src = script.dataset.library;
    library.addEventListener("load", start);
    document.head.appendChild(library);
  }
})();
