/* The consent prompt: show what each choice shares, keep "what stays hidden" current, and
   send exactly the learner's decision (the API checks it against the prompt again). */
"use strict";
(function () {
  var wallet = window.LearnerWallet;

  function itemsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset.item"));
  }

  function showCandidate(item) {
    var chosen = item.querySelector("[data-candidate]:checked") ||
      item.querySelector('input[type="hidden"][data-candidate]');
    item.querySelectorAll(".candidate").forEach(function (box) {
      box.hidden = !chosen || box.dataset.for !== chosen.value;
    });
  }

  function refreshHidden(form) {
    var list = form.querySelector("[data-hidden-list]");
    if (!list) return;
    var names = [];
    itemsOf(form).forEach(function (item) {
      var hide = item.querySelector("[data-hide]");
      if (hide && hide.checked) names.push(hide.dataset.names);
    });
    list.textContent = "";
    (names.length ? names : [wallet.words().nothingHidden]).forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = name;
      list.appendChild(li);
    });
  }

  function decisionOf(form) {
    var choices = {};
    itemsOf(form).forEach(function (item) {
      var include = item.querySelector("[data-include]");
      if (include && !include.checked) return;
      var referent = item.dataset.referent;
      var typed = item.querySelector("[data-typed]");
      if (typed && typed.value.trim()) {
        choices[referent] = { credential_id: null, revealed: true, self_attested_value: typed.value };
        return;
      }
      var chosen = item.querySelector("[data-candidate]:checked") ||
        item.querySelector('input[type="hidden"][data-candidate]');
      if (!chosen) return;
      var hide = item.querySelector("[data-hide]");
      choices[referent] = { credential_id: chosen.value, revealed: !(hide && hide.checked) };
    });
    return { choices: choices };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("consent-form");
    if (!form || !wallet) return;
    itemsOf(form).forEach(function (item) {
      item.querySelectorAll("[data-candidate]").forEach(function (radio) {
        radio.addEventListener("change", function () { showCandidate(item); });
      });
      var hide = item.querySelector("[data-hide]");
      if (hide) hide.addEventListener("change", function () { refreshHidden(form); });
    });
    refreshHidden(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      wallet.act(form, "POST", form.dataset.approveUrl, decisionOf(form),
        form.dataset.done);
    });
    var decline = form.querySelector("[data-decline]");
    if (decline) decline.addEventListener("click", function () {
      wallet.act(decline, "POST", form.dataset.declineUrl, undefined, form.dataset.done);
    });
  });
})();
