/* Live updates: listen to /api/events and, without reloading, refresh the parts of the
   page marked data-live-part and announce what arrived in the aria-live notice. */
"use strict";
(function () {
  var ANNOUNCED = {
    offer_received: {
      word: "newOffer",
      link: function (data) {
        return data.offer_id ? "/offers/" + encodeURIComponent(data.offer_id) : "/";
      },
    },
    request_received: {
      word: "newRequest",
      link: function (data) {
        return data.exchange_id ? "/requests/" + encodeURIComponent(data.exchange_id) : "/";
      },
    },
  };
  var QUIET = ["offer_updated", "request_answered", "request_done", "request_failed",
    "request_declined", "request_approved", "credential_revoked", "connections",
    "issue_credential_v2_0", "present_proof_v2_0", "credential_stored", "credential_deleted",
    "delivery"];

  function words() {
    var el = document.getElementById("words");
    return el ? el.dataset : {};
  }

  function announce(text, href) {
    var notice = document.getElementById("live-notice");
    if (!notice) return;
    notice.textContent = "";
    var message = document.createElement("p");
    message.textContent = text + " ";
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = words().open;
      message.appendChild(link);
    }
    notice.appendChild(message);
    notice.classList.add("shown");
  }

  async function senderName(connectionId) {
    try {
      var response = await fetch("/api/connections/" + encodeURIComponent(connectionId),
        { credentials: "same-origin" });
      if (!response.ok) return null;
      return (await response.json()).label || null;
    } catch (ignored) { return null; }
  }

  var refreshing = null;
  var trailing = null;
  var SETTLE_MS = 1500;  // events are hints: the records they name may settle a moment later
  async function refreshParts() {
    var parts = document.querySelectorAll("[data-live-part]");
    if (!parts.length) return;
    var response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    var fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    parts.forEach(function (part) {
      var name = part.getAttribute("data-live-part");
      var replacement = fresh.querySelector('[data-live-part="' + name + '"]');
      if (!replacement) return;
      // Details the learner unfolded stay unfolded (matched by position in the part).
      var open = Array.prototype.map.call(part.querySelectorAll("details"),
        function (d) { return d.open; });
      part.innerHTML = replacement.innerHTML;
      part.querySelectorAll("details").forEach(function (d, i) { if (open[i]) d.open = true; });
    });
  }
  function scheduleRefresh() {
    window.clearTimeout(trailing);
    trailing = window.setTimeout(function () { refreshParts().catch(function () { return null; }); },
      SETTLE_MS);
    if (refreshing) return refreshing;
    refreshing = refreshParts().catch(function () { return null; }).then(function () {
      refreshing = null;
      document.body.setAttribute("data-live-refreshed", String(Date.now()));
    });
    return refreshing;
  }

  function listen() {
    if (!("EventSource" in window)) return;
    var source = new EventSource("/api/events");
    Object.keys(ANNOUNCED).forEach(function (topic) {
      source.addEventListener(topic, function (event) {
        var data = {};
        try { data = JSON.parse(event.data); } catch (ignored) { data = {}; }
        if (data.source === "reconcile") return;
        scheduleRefresh().then(function () {
          announce(words()[ANNOUNCED[topic].word], ANNOUNCED[topic].link(data));
        });
      });
    });
    QUIET.forEach(function (topic) {
      source.addEventListener(topic, function () { scheduleRefresh(); });
    });
    // A message arrived: named after its connection (the learner's name for it, if any).
    source.addEventListener("message_received", function (event) {
      var data = {};
      try { data = JSON.parse(event.data); } catch (ignored) { data = {}; }
      if (!data.connection_id) return;
      var href = "/connections/" + encodeURIComponent(data.connection_id);
      document.dispatchEvent(new CustomEvent("wallet:message_received", { detail: data }));
      var here = window.location.pathname === href;
      scheduleRefresh().then(function () { return here ? null : senderName(data.connection_id); })
        .then(function (name) {
          if (here) return;
          announce(String(words().newMessage || "").replace("{name}", name || words().someone),
            href);
        });
    });
    // A waiting prompt was rebuilt: the consent page redraws its own part (consent.js).
    source.addEventListener("request_updated", function (event) {
      var data = {};
      try { data = JSON.parse(event.data); } catch (ignored) { data = {}; }
      scheduleRefresh();
      document.dispatchEvent(new CustomEvent("wallet:request_updated", { detail: data }));
    });
    source.addEventListener("shutdown", function () {
      source.close();
      announce(words().offline, null);
    });
    source.addEventListener("open", function () {
      document.body.setAttribute("data-live-connected", "yes");
      // What arrived between this page's render and the stream's start is in no event:
      // refresh once now (the server subscribes before it answers, so nothing is lost after).
      scheduleRefresh();
      document.dispatchEvent(new CustomEvent("wallet:live_open"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.getAttribute("data-live") === "on") listen();
  });
})();
