// Person pickers (charity/registry/picker.py): the text box searches the roster as one types
// and offers the matches in a list; arrow keys move in it, Enter or a tap picks, Escape closes.
// The pick fills the hidden id. Without script the server searches the text on submit and
// offers its matches as radio buttons.
(function () {
  "use strict";

  function setUp(root) {
    var box = root.querySelector("input[role=combobox]");
    var hidden = root.querySelector("input[type=hidden]");
    var list = root.querySelector("[role=listbox]");
    var status = root.querySelector(".person-picker-status");
    if (!box || !hidden || !list) { return; }
    var hint = status ? status.textContent : "";
    var results = [];
    var active = -1;
    var asked = 0;
    var timer = null;

    function say(text) { if (status) { status.textContent = text; } }

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && items[index]) {
        box.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({block: "nearest"});
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var chosen = results[index];
      if (!chosen) { return; }
      box.value = chosen.label;
      hidden.value = String(chosen.id);
      var choices = root.querySelector(".person-picker-choices");
      if (choices) { choices.parentNode.removeChild(choices); }
      close();
      say(chosen.label);
    }

    function option(person, index) {
      var item = document.createElement("li");
      item.id = box.id + "-option-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var name = document.createElement("strong");
      name.textContent = person.name;
      var details = document.createElement("small");
      details.textContent = [person.id_number, person.household, person.street,
                             person.community].join(" · ");
      item.appendChild(name);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(details);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { pick(index); });
      return item;
    }

    function show(answer) {
      results = answer.results || [];
      list.textContent = "";
      results.forEach(function (person, i) { list.appendChild(option(person, i)); });
      if (!results.length) {
        close();
        say(root.dataset.none);
        return;
      }
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      highlight(-1);
      say(answer.more ? root.dataset.more : hint);
    }

    function ask() {
      var text = box.value.trim();
      var mine = ++asked;
      if (!text) { close(); say(hint); return; }
      var url = root.dataset.searchUrl + "?q=" + encodeURIComponent(text);
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (answer) { if (mine === asked) { show(answer); } })
        .catch(function () { if (mine === asked) { close(); say(root.dataset.failed); } });
    }

    box.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });

    box.addEventListener("keydown", function (event) {
      var open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { ask(); return; }
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open) {
        event.preventDefault();
        pick(active >= 0 ? active : 0);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    box.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-person-picker]"), setUp);
}());
