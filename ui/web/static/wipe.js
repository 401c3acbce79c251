/* Settings → Delete everything: send the typed word; then the wallet stops and deletes
   itself, and this page waits until the welcome answers on the same address. */
"use strict";
(function () {
  var POLL_MS = 1000;
  var GIVE_UP_MS = 180000;

  async function waitForWelcome(form, since) {
    try {
      var response = await fetch("/welcome/state", { credentials: "same-origin" });
      if (response.ok) { window.location.assign("/"); return; }
    } catch (ignored) { /* between the wallet and the welcome nothing listens */ }
    if (Date.now() - since > GIVE_UP_MS) {
      window.LearnerWallet.say(form, form.dataset.gone, true);
      return;
    }
    window.setTimeout(function () { waitForWelcome(form, since); }, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("wipe-form");
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var lw = window.LearnerWallet;
      var button = form.querySelector("button[type=submit]");
      var input = form.elements.confirm;
      button.disabled = true;
      lw.say(form, lw.words().working);
      try {
        await lw.send("POST", form.dataset.apiUrl, { confirm: input.value });
      } catch (error) {
        var field = (error.fields || {}).confirm;
        lw.say(form, lw.words().failed + " " + (field || error.message), true, error.detail);
        input.setAttribute("aria-invalid", "true");
        input.focus();
        button.disabled = false;
        return;
      }
      input.disabled = true;
      lw.say(form, form.dataset.deleting);
      waitForWelcome(form, Date.now());
    });
  });
})();
