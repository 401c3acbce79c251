/* Add a credential from a file: the file goes to the wallet to be checked (nothing kept),
   a preview card shows who issued it and what it says, and only "Add to my wallet" stores
   it. Everything is built with textContent: a file's content is never read as HTML. */
"use strict";
(function () {
  var OPEN_BADGE_TYPES = ["OpenBadgeCredential", "AchievementCredential"];

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function technicalWord() {
    var el = document.getElementById("words");
    return el ? el.dataset.technical : "";
  }
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_, name) {
      return values[name] !== undefined ? values[name] : "";
    });
  }
  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) el.textContent = text;
    if (className) el.className = className;
    return el;
  }
  function day(value) {
    var moment = value ? new Date(value) : null;
    if (!moment || isNaN(moment.getTime())) return "";
    return moment.toLocaleDateString(document.documentElement.lang || undefined,
      { year: "numeric", month: "long", day: "numeric" });
  }

  /* POST the file itself; the answer's body, or an Error carrying the API's problem. */
  async function post(url, content) {
    var response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/json" },
      body: content
    });
    var data = null;
    try { data = await response.json(); } catch (ignored) { data = null; }
    if (!response.ok) {
      var failure = new Error("refused");
      failure.problem = data && data.error ? data.error : { message: response.statusText };
      throw failure;
    }
    return data;
  }

  /* A refusal in plain words, the technical reason folded away below it. */
  function problemBox(problem, lead) {
    var box = element("div", null, "problem");
    box.setAttribute("role", "alert");
    var first = element("p");
    first.appendChild(element("strong", lead + " "));
    first.appendChild(document.createTextNode(problem.message || ""));
    box.appendChild(first);
    if (problem.hint) box.appendChild(element("p", problem.hint));
    if (problem.detail) {
      var more = element("details", null, "technical");
      more.appendChild(element("summary", technicalWord()));
      more.appendChild(element("code", problem.detail));
      box.appendChild(more);
    }
    return box;
  }

  function fact(list, term, value) {
    list.appendChild(element("dt", term));
    var dd = element("dd");
    if (typeof value === "string") dd.textContent = value; else dd.appendChild(value);
    list.appendChild(dd);
    return dd;
  }

  function previewCard(item, words) {
    var card = element("article", null, "card import-card");
    card.setAttribute("data-import-item", String(item.position));
    var credential = item.credential;
    if (item.status === "refused") {
      card.appendChild(problemBox(item.problem || {}, words.refused));
      return card;
    }
    card.appendChild(element("h4", credential.title));
    if (item.status === "already_held") {
      var held = element("p", words.held + " ", "meta");
      if (item.credential_id) {
        var link = element("a", words.open);
        link.href = "/credentials/" + encodeURIComponent(item.credential_id);
        held.appendChild(link);
      }
      card.appendChild(held);
    } else {
      card.appendChild(element("p", words.signatureOk, "meta"));
    }
    var facts = element("dl", null, "facts");
    var issuer = element("span");
    issuer.appendChild(document.createTextNode(
      (credential.issuer_label || words.unknownParty) + " "));
    issuer.appendChild(element("span", item.issuer_trusted ? words.trusted : words.notTrusted,
      item.issuer_trusted ? "badge badge-valid" : "badge badge-unknown"));
    fact(facts, words.issuer, issuer).setAttribute("data-import-issuer", "");
    var badge = (credential.types || []).some(function (type) {
      return OPEN_BADGE_TYPES.indexOf(type) >= 0;
    });
    /* The kind and how much a verifier sees tell apart two credentials for one course. */
    var micro = (credential.types || []).indexOf("MicroCredential") >= 0;
    var kind = badge ? words.kindBadge : (micro ? words.kindMicro : words.kindCredential);
    var sharing = credential.proof_type === "BbsBlsSignature2020" ? words.sharingSelective : words.sharingWhole;
    fact(facts, words.what, credential.title + " · " + kind + " · " + sharing);
    if (credential.issued) fact(facts, words.issued, day(credential.issued));
    if (item.valid_from) fact(facts, words.issued, fill(words.validFrom, { date: day(item.valid_from) }));
    if (credential.expires) fact(facts, words.expires, day(credential.expires));
    card.appendChild(facts);
    if (credential.status === "expired") card.appendChild(element("p", words.expiredNote, "badge badge-expired"));
    card.appendChild(element("h5", words.claims));
    /* Labels and values in the learner's words, from the server (ids and types left out). */
    var shown = item.fields || [];
    if (!shown.length) card.appendChild(element("p", words.noClaims));
    var claims = element("dl", null, "facts fields");
    shown.forEach(function (field) { fact(claims, field.label, field.value); });
    if (shown.length) card.appendChild(claims);
    return card;
  }

  /* The list part of this page, fetched again so the new card shows without a reload. */
  async function refreshList() {
    var part = document.querySelector('[data-live-part="credentials"]');
    if (!part) return;
    var response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    var fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    var replacement = fresh.querySelector('[data-live-part="credentials"]');
    if (replacement) part.innerHTML = replacement.innerHTML;
  }

  function wire(section) {
    var words = section.dataset;
    var input = section.querySelector("#import-file");
    var status = section.querySelector("[data-form-status]");
    var preview = section.querySelector("#import-preview");
    var content = null;

    function say(text, failed) {
      status.textContent = text || "";
      status.classList.toggle("failed", Boolean(failed));
    }
    function clearPreview() {
      content = null;
      preview.hidden = true;
      preview.textContent = "";
    }
    function reset() {
      clearPreview();
      input.value = "";
    }
    function showProblem(problem) {
      preview.textContent = "";
      preview.appendChild(problemBox(problem, words.refused));
      preview.hidden = false;
    }

    function showReport(answer) {
      preview.textContent = "";
      preview.appendChild(element("h3", words.previewHeading));
      var count = answer.items.length;
      if (count > 1) preview.appendChild(element("p", fill(words.several, { n: count })));
      answer.items.forEach(function (item) { preview.appendChild(previewCard(item, words)); });
      var actions = element("p", null, "actions");
      var add = element("button", words.add, "primary");
      add.type = "button";
      add.setAttribute("data-import-add", "");
      var cancel = element("button", words.cancel);
      cancel.type = "button";
      cancel.addEventListener("click", function () { reset(); say(""); input.focus(); });
      add.addEventListener("click", function () { store(add, cancel); });
      actions.appendChild(add);
      actions.appendChild(cancel);
      preview.appendChild(actions);
      preview.hidden = false;
      add.focus();
    }

    async function check() {
      var file = input.files && input.files[0];
      clearPreview();
      if (!file) return;
      if (file.size > Number(words.maxBytes)) { say(words.tooLarge, true); return; }
      say(words.checking);
      try {
        content = await file.arrayBuffer();
        var answer = await post(words.checkUrl, content);
        say("");
        showReport(answer);
      } catch (error) {
        say("");
        if (error.problem) showProblem(error.problem); else say(String(error.message), true);
      }
    }

    async function store(add, cancel) {
      if (!content) return;
      add.disabled = true;
      cancel.disabled = true;
      try {
        var answer = await post(words.importUrl, content);
        reset();
        status.textContent = words.added + " ";
        status.classList.remove("failed");
        var id = (answer.credential_ids || [])[0];
        if (id) {
          var link = element("a", words.open);
          link.href = "/credentials/" + encodeURIComponent(id);
          status.appendChild(link);
        }
        section.setAttribute("data-imported", id || "");
        await refreshList().catch(function () { return null; });
      } catch (error) {
        add.disabled = false;
        cancel.disabled = false;
        if (error.problem) showProblem(error.problem); else say(String(error.message), true);
      }
    }

    input.addEventListener("change", check);
    section.querySelector("#import-form").addEventListener("submit", function (event) {
      event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("credential-import");
    if (section) wire(section);
  });
})();
