/* The consent prompt: show what each choice shares, keep "what stays hidden" current, and
   send exactly the learner's decision (the API checks it against the prompt again). A
   prompt waiting for a credential is redrawn when the wallet rebuilds it (live.js passes
   on the `request_updated` event), and says which credential arrived. */
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

  function wire(root) {
    var form = root.querySelector("#consent-form");
    if (!form) return;
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
    form.querySelectorAll("[data-connect-invitation]").forEach(function (button) {
      button.addEventListener("click", function () {
        wallet.act(button, "POST", "/api/connections",
          { invitation: button.dataset.connectInvitation }, undefined);
      });
    });
  }

  function announce(part) {
    var arrived = part.querySelector("[data-arrived]");
    var notice = document.getElementById("live-notice");
    if (!arrived || !notice) return;
    notice.textContent = "";
    var message = document.createElement("p");
    message.textContent = arrived.textContent;
    notice.appendChild(message);
    notice.classList.add("shown");
  }

  /* Redraw the prompt from the server (the rebuilt prompt is there already). */
  async function redraw(part) {
    var response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    var fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    var next = fresh.querySelector("[data-prompt-part]");
    if (!next) return;
    part.innerHTML = next.innerHTML;
    wire(part);
    announce(part);
    document.body.setAttribute("data-prompt-refreshed", String(Date.now()));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var part = document.querySelector("[data-prompt-part]");
    if (!part || !wallet) return;
    wire(part);
    document.addEventListener("wallet:request_updated", function (event) {
      var data = event.detail || {};
      if (data.exchange_id === part.dataset.requestId) redraw(part).catch(function () { return null; });
    });
    // A rebuild between this page's render and the stream's start is in no event.
    document.addEventListener("wallet:live_open", function () {
      if (part.querySelector("[data-missing]")) redraw(part).catch(function () { return null; });
    });
  });
})();
