/* Stacks: start a collection (optionally with one credential), rename it, add credentials
   to it. Deleting and taking a credential out are API buttons (app.js). */
"use strict";
(function () {
  var LW = window.LearnerWallet;

  function stackUrl(id) { return "/stacks/" + encodeURIComponent(id); }

  function wireNew() {
    var form = document.getElementById("new-collection-form");
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = { name: form.elements.name.value, credential_ids: [] };
      if (form.dataset.credentialId) body.credential_ids.push(form.dataset.credentialId);
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      LW.say(form, LW.words().working);
      try {
        var made = await LW.send("POST", form.dataset.apiUrl, body);
        LW.say(form, LW.words().done);
        window.location.assign(stackUrl(made.id));
      } catch (error) {
        LW.say(form, LW.words().failed + " " + error.message, true, error.detail);
        button.disabled = false;
      }
    });
  }

  function wireRename() {
    var form = document.getElementById("rename-collection-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      LW.act(form, "PATCH", form.dataset.apiUrl, { name: form.elements.name.value },
        window.location.pathname);
    });
  }

  function wireAdd() {
    var form = document.getElementById("add-parts-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var ids = Array.prototype.map.call(
        form.querySelectorAll('input[name="credential"]:checked'),
        function (box) { return box.value; });
      if (!ids.length) { LW.say(form, form.dataset.noneChosen, true); return; }
      LW.act(form, "POST", form.dataset.apiUrl, { credential_ids: ids }, form.dataset.done);
    });
  }

  function wireCollect() {
    var form = document.getElementById("collect-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector('input[name="collection"]:checked');
      if (!chosen) { LW.say(form, form.dataset.noneChosen, true); return; }
      var url = "/api/stacks/collections/" + encodeURIComponent(chosen.value) + "/parts";
      LW.act(form, "POST", url, { credential_ids: [form.dataset.credentialId] },
        stackUrl(chosen.value));
    });
  }

  /* A pathway's order: a part moves one place earlier or later; the whole order is sent,
     so a page that is out of date is refused (the server answers 409) instead of guessed. */
  function wireMoves() {
    /* On the document: a live refresh replaces the list (live.js). */
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-move]") : null;
      var list = document.getElementById("stack-parts");
      if (!button || !list || !list.dataset.orderUrl) return;
      var ids = Array.prototype.map.call(list.querySelectorAll("[data-part-id]"),
        function (item) { return item.dataset.partId; });
      var from = ids.indexOf(button.closest("[data-part-id]").dataset.partId);
      var to = from + Number(button.dataset.move);
      if (from < 0 || to < 0 || to >= ids.length) return;
      ids.splice(to, 0, ids.splice(from, 1)[0]);
      LW.act(button, "PUT", list.dataset.orderUrl, { credential_ids: ids },
        window.location.pathname);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!LW) return;
    wireMoves();
    wireNew();
    wireRename();
    wireAdd();
    wireCollect();
  });
})();
