/* A connection's page: send a reply, mark the conversation read, rename the connection.
   Delete is an API button (app.js) inside the explanation of what deletion means. */
"use strict";
(function () {
  var LW = window.LearnerWallet;

  function section() { return document.getElementById("conversation"); }

  /* Redraw the conversation from the page itself (the server renders every message). */
  async function redraw() {
    var response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) return;
    var fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    var part = document.querySelector('[data-live-part="conversation"]');
    var replacement = fresh.querySelector('[data-live-part="conversation"]');
    if (part && replacement) part.innerHTML = replacement.innerHTML;
    var list = document.getElementById("message-list");
    if (list && list.lastElementChild) list.lastElementChild.scrollIntoView({ block: "nearest" });
  }

  async function markRead() {
    var conversation = section();
    if (!conversation) return;
    var url = "/api/connections/" + encodeURIComponent(conversation.dataset.connectionId) +
      "/messages/read";
    try { await LW.send("POST", url); } catch (ignored) { return; }
    conversation.dataset.unread = "0";
  }

  function wireReply() {
    var form = document.getElementById("reply-form");
    if (!form) return;
    var area = form.querySelector("#reply-text");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      LW.say(form, LW.words().working);
      try {
        await LW.send("POST", form.dataset.apiUrl, { text: area.value });
        area.value = "";
        LW.say(form, LW.words().messageSent);
        await redraw();
      } catch (error) {
        LW.say(form, LW.words().failed + " " + error.message, true, error.detail);
      }
      button.disabled = false;
      area.focus();
    });
  }

  function wireRename() {
    var form = document.getElementById("rename-form");
    if (!form) return;
    var input = form.querySelector("#connection-new-name");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      LW.act(form, "PATCH", form.dataset.apiUrl, { name: input.value }, window.location.pathname);
    });
    var reset = document.getElementById("rename-reset");
    if (reset) reset.addEventListener("click", function () {
      LW.act(form, "PATCH", form.dataset.apiUrl, { name: null }, window.location.pathname);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!section() || !LW) return;
    wireReply();
    wireRename();
    if (section().dataset.unread !== "0") markRead();
    /* A message from this connection while the page is open is read as it shows. */
    document.addEventListener("wallet:message_received", function (event) {
      var detail = event.detail || {};
      if (detail.connection_id !== section().dataset.connectionId) return;
      redraw().then(markRead);
    });
  });
})();
