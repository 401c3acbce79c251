/* The welcome at first start: a new wallet, or a backup restored from a file this browser
   sends. Then wait for the wallet, which takes over this address and this session. */
"use strict";
(function () {
  var POLL_MS = 1000;
  var SLOW_MS = 120000;

  function lw() { return window.LearnerWallet; }
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* Each field's problem in a line under it (app.js). */
  function showFieldProblems(form, fields) { lw().showFieldProblems(form, fields || {}); }

  async function post(url, body, json) {
    var headers = { "X-CSRF-Token": csrf() };
    if (json) headers["Content-Type"] = "application/json";
    var response = await fetch(url, {
      method: "POST", credentials: "same-origin", headers: headers,
      body: json ? JSON.stringify(body) : body
    });
    var data = null;
    try { data = await response.json(); } catch (ignored) { data = null; }
    if (!response.ok) {
      var problem = data && data.error ? data.error : { message: lw().words().unknownError };
      var failure = new Error(problem.message + (problem.hint ? " " + problem.hint : ""));
      failure.detail = problem.detail || "";
      failure.fields = problem.fields || {};
      throw failure;
    }
    return data;
  }

  function wire(form, bodyOf, json) {
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var buttons = document.querySelectorAll("#welcome-choices button");
      buttons.forEach(function (b) { b.disabled = true; });
      showFieldProblems(form, {});
      lw().say(form, lw().words().working);
      try {
        done(await post(form.dataset.apiUrl, bodyOf(form), json));
      } catch (error) {
        showFieldProblems(form, error.fields);
        lw().say(form, lw().words().failed + " " + error.message, true, error.detail);
        buttons.forEach(function (b) { b.disabled = false; });
      }
    });
  }

  function newWalletBody(form) {
    var value = function (name) { return form.elements[name] ? form.elements[name].value : ""; };
    return { passphrase: value("passphrase"), passphrase_repeat: value("passphrase_repeat") };
  }

  function restoreBody(form) {
    var body = new FormData();
    ["secret", "passphrase", "passphrase_repeat"].forEach(function (name) {
      if (form.elements[name]) body.append(name, form.elements[name].value);
    });
    var file = form.elements.backup.files[0];
    if (file) body.append("backup", file, file.name);  /* last: the small fields come first */
    return body;
  }

  /* It worked: say what to know, then wait until the wallet answers on this address. */
  function done(answer) {
    var section = document.getElementById("welcome-done");
    var heading = document.getElementById("done-heading");
    heading.textContent = answer.made === "restored"
      ? section.dataset.headingRestored : section.dataset.headingNew;
    var list = document.getElementById("welcome-done-lines");
    (answer.lines || []).forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    document.getElementById("welcome-choices").hidden = true;
    section.hidden = false;
    heading.focus();
    waitForWallet(Date.now());
  }

  async function waitForWallet(since) {
    var status = document.getElementById("welcome-starting");
    try {
      var response = await fetch("/api/status", { credentials: "same-origin" });
      if (response.ok && (await response.json()).ready) {
        status.textContent = status.dataset.ready;
        document.getElementById("welcome-open").hidden = false;
        return;
      }
    } catch (ignored) { /* the wallet is still starting: nothing listens yet */ }
    if (Date.now() - since > SLOW_MS) status.textContent = status.dataset.slow;
    window.setTimeout(function () { waitForWallet(since); }, POLL_MS);
  }

  function wireReveal() {
    document.querySelectorAll("input[data-reveal]").forEach(function (box) {
      box.addEventListener("change", function () {
        var input = document.getElementById(box.dataset.reveal);
        if (input) input.type = box.checked ? "text" : "password";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire(document.getElementById("new-wallet-form"), newWalletBody, true);
    wire(document.getElementById("restore-form"), restoreBody, false);
    wireReveal();
  });
})();
