/* The consent screen's "what this request draws on": when the learner picks another
   credential or leaves an optional part out, the stack is drawn again by the server
   (/stacks/drawn renders the same part of the page), so it always shows the choices made. */
"use strict";
(function () {
  function chosen(form) {
    var ids = [];
    form.querySelectorAll("fieldset.item").forEach(function (item) {
      var include = item.querySelector("[data-include]");
      if (include && !include.checked) return;
      var pick = item.querySelector("[data-candidate]:checked") ||
        item.querySelector('input[type="hidden"][data-candidate]');
      var id = pick ? pick.dataset.storedId : "";
      if (id && ids.indexOf(id) < 0) ids.push(id);
    });
    return ids;
  }

  var asked = 0;
  async function redraw(form) {
    var section = document.querySelector("[data-drawn-url]");
    if (!section) return;
    var ids = chosen(form);
    var query = ids.map(function (id) { return "credential=" + encodeURIComponent(id); });
    var mine = ++asked;
    var response = await fetch(section.dataset.drawnUrl + "?" + query.join("&"),
      { credentials: "same-origin" });
    if (!response.ok || mine !== asked) return;
    var html = await response.text();
    section.innerHTML = html;
    section.hidden = !section.querySelector("[data-drawn]");
    section.dataset.drawsOn = String(section.querySelectorAll("[data-drawn]").length);
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest("#consent-form") : null;
    if (!form || !event.target.matches("[data-candidate], [data-include]")) return;
    redraw(form).catch(function () { return null; });
  });
})();
