/* Learner Wallet screens: forms post to the JSON API with the CSRF token; live updates
   arrive over /api/events. No inline scripts anywhere (the CSP forbids them). */
"use strict";
(function () {
  function words() {
    var el = document.getElementById("words");
    return el ? el.dataset : {};
  }
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_, name) {
      return values && values[name] !== undefined ? values[name] : "";
    });
  }
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function send(method, url, body) {
    var init = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf() } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var response = await fetch(url, init);
    var data = null;
    try { data = await response.json(); } catch (ignored) { data = null; }
    if (!response.ok) {
      var problem = data && data.error ? data.error : { message: words().unknownError };
      var failure = new Error(problem.message + (problem.hint ? " " + problem.hint : ""));
      failure.detail = problem.detail || "";
      failure.fields = problem.fields || {};
      throw failure;
    }
    return data;
  }

  function statusFor(el) {
    var scope = el.closest("form") || el.closest("main") || document;
    return scope.querySelector("[data-form-status]");
  }
  /* Put a message in the form's status line; technical details fold away below it. */
  function say(el, text, failed, detail) {
    var box = statusFor(el);
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("failed", Boolean(failed));
    if (detail) {
      var more = document.createElement("details");
      more.className = "technical";
      var summary = document.createElement("summary");
      summary.textContent = words().technical;
      var code = document.createElement("code");
      code.textContent = detail;
      more.appendChild(summary);
      more.appendChild(code);
      box.appendChild(more);
    }
  }

  /* Run one API call for a button or form, then go where the page says. */
  async function act(el, method, url, body, done) {
    var controls = (el.closest("form") || el.parentElement).querySelectorAll("button");
    controls.forEach(function (b) { b.disabled = true; });
    say(el, words().working);
    try {
      await send(method, url, body);
      say(el, words().done);
      if (done) window.location.assign(done); else window.location.reload();
    } catch (error) {
      say(el, words().failed + " " + error.message, true, error.detail);
      controls.forEach(function (b) { b.disabled = false; });
    }
  }

  /* One listener for every API button, so buttons a live refresh puts in work too. */
  function wireButtons() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-api-url]") : null;
      if (!button) return;
      if (button.dataset.confirm && !window.confirm(words().confirmDelete)) return;
      act(button, button.dataset.apiMethod || "POST", button.dataset.apiUrl, undefined,
        button.dataset.done);
    });
  }

  function wireConnect() {
    var form = document.getElementById("connect-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var invitation = form.querySelector("#invitation").value.trim();
      act(form, "POST", form.dataset.apiUrl, { invitation: invitation }, form.dataset.done);
    });
    var input = document.getElementById("qr-image");
    if (input) input.addEventListener("change", function () { readQr(input, form); });
  }

  function loadImage(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var image = new Image();
        image.onload = function () { resolve(image); };
        image.onerror = reject;
        image.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  /* Decode the QR code on this computer: BarcodeDetector where the browser has it, else
     the bundled jsQR. The picture never leaves the browser. */
  async function readQr(input, form) {
    var file = input.files && input.files[0];
    if (!file) return;
    var text = null;
    try {
      var image = await loadImage(file);
      var width = image.naturalWidth || 600, height = image.naturalHeight || 600;
      var scale = Math.min(1, 1600 / Math.max(width, height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      if ("BarcodeDetector" in window) {
        try {
          var found = await new window.BarcodeDetector({ formats: ["qr_code"] }).detect(canvas);
          if (found.length) text = found[0].rawValue;
        } catch (ignored) { text = null; }
      }
      if (text === null && typeof window.jsQR === "function") {
        var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(pixels.data, canvas.width, canvas.height);
        if (code) text = code.data;
      } else if (text === null && !("BarcodeDetector" in window)) {
        say(form, words().qrUnsupported, true);
        return;
      }
    } catch (error) {
      text = null;
    }
    if (!text) { say(form, words().qrNone, true); return; }
    var area = form.querySelector("#invitation");
    area.value = text;
    area.focus();
    say(form, words().qrFound);
  }

  function wireLanguage() {
    var form = document.getElementById("language-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var language = form.querySelector("select").value;
      act(form, "POST", form.dataset.apiUrl, { language: language }, window.location.pathname);
    });
  }

  /* Settings go to config.toml; they apply after a restart, so the page stays and says so. */
  function settingsBody(form) {
    var value = function (name) { return form.elements[name].value.trim(); };
    var timeout = value("exchange_timeout");
    return {
      label: value("label"),
      mediator_invitation: value("mediator_invitation") || null,
      delivery: form.elements.delivery.dataset.automatic === "true" ? null : value("delivery"),
      auto_accept_issuers: value("auto_accept_issuers").split(/\s+/).filter(Boolean),
      trust_list: value("trust_list") || null,
      exchange_timeout: timeout !== "" && isFinite(Number(timeout)) ? Number(timeout) : timeout,
      log_level: value("log_level")
    };
  }
  function wireSettings() {
    var form = document.getElementById("settings-form");
    if (!form) return;
    followMediator(form);
    var notice = document.getElementById("settings-saved");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      notice.hidden = true;
      notice.textContent = "";
      say(form, words().working);
      showFieldProblems(form, {});
      try {
        var answer = await send("PUT", form.dataset.apiUrl, settingsBody(form));
        say(form, "");
        notice.hidden = false;
        var changed = (answer && answer.restart_needed) || [];
        notice.textContent = changed.length
          ? fill(form.dataset.savedChanged, { names: changed.map(function (name) {
            return labelOf(form, name);
          }).join(", ") })
          : form.dataset.savedNothing;
      } catch (error) {
        showFieldProblems(form, error.fields || {});
        say(form, words().failed + " " + error.message, true, error.detail);
      }
      button.disabled = false;
    });
  }

  /* Until the learner picks a delivery, it follows the mediator field as the wallet's own
     default does (through the mediator when there is one) and is saved as "not chosen". */
  function followMediator(form) {
    var delivery = form.elements.delivery, mediator = form.elements.mediator_invitation;
    delivery.addEventListener("change", function () { delivery.dataset.automatic = "false"; });
    mediator.addEventListener("input", function () {
      if (delivery.dataset.automatic !== "true") return;
      delivery.value = mediator.value.trim() ? "pickup" : "direct";
    });
  }

  function labelOf(form, name) {
    var input = form.elements[name];
    var label = input && input.id ? form.querySelector('label[for="' + input.id + '"]') : null;
    return label ? label.textContent.trim() : name;
  }

  /* Each field's problem in a line right under the field, tied to it for screen readers. */
  function showFieldProblems(form, fields) {
    form.querySelectorAll("[data-field-problem]").forEach(function (line) {
      var input = document.getElementById(line.dataset.fieldProblem);
      if (input) {
        input.removeAttribute("aria-invalid");
        var described = (input.getAttribute("aria-describedby") || "").split(" ");
        input.setAttribute("aria-describedby", described.filter(function (id) {
          return id && id !== line.id;
        }).join(" "));
      }
      line.remove();
    });
    var first = null;
    Object.keys(fields).forEach(function (name) {
      var input = form.elements[name];
      if (!input || !input.id) return;
      var line = document.createElement("p");
      line.className = "field-problem";
      line.id = input.id + "-problem";
      line.dataset.fieldProblem = input.id;
      line.textContent = fields[name];
      input.insertAdjacentElement("afterend", line);
      input.setAttribute("aria-invalid", "true");
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (described ? described + " " : "") + line.id);
      first = first || input;
    });
    if (first) first.focus();
  }

  window.LearnerWallet = {
    send: send, act: act, say: say, words: words, fill: fill,
    showFieldProblems: showFieldProblems,
  };
  document.addEventListener("DOMContentLoaded", function () {
    wireButtons();
    wireConnect();
    wireLanguage();
    wireSettings();
  });
})();
