/* Settings › Backup: show a recovery phrase once, check two of its words, or take a
   passphrase; save the folder; back up now goes through app.js's generic buttons. */
"use strict";
(function () {
  var lw = window.LearnerWallet;

  function say(box, text, failed) {
    box.textContent = text;
    box.classList.toggle("failed", Boolean(failed));
  }
  function formStatus(form) { return form.querySelector("[data-form-status]"); }
  function failure(error) { return lw.words().failed + " " + error.message; }

  function wirePhrase(section) {
    var show = document.getElementById("backup-show-phrase");
    var shown = document.getElementById("backup-phrase");
    var list = document.getElementById("backup-phrase-words");
    var form = document.getElementById("backup-check-form");
    var status = section.querySelector("[data-phrase-status]");
    var replace = document.getElementById("backup-secret").dataset.replace === "true";
    var positions = [];
    if (!show) return;

    function forget(error) {
      list.textContent = "";
      shown.hidden = true;
      positions = [];
      say(status, failure(error), true);
    }

    show.addEventListener("click", async function () {
      show.disabled = true;
      say(status, lw.words().working);
      try {
        var answer = await lw.send("POST", "/api/backup/phrase", { replace: replace });
        list.textContent = "";
        answer.words.forEach(function (word) {
          var item = document.createElement("li");
          item.textContent = word;
          list.appendChild(item);
        });
        positions = answer.check;
        document.getElementById("backup-check-intro").textContent = lw.fill(
          section.dataset.checkIntro, { first: positions[0], second: positions[1] });
        [1, 2].forEach(function (n) {
          var input = document.getElementById("backup-word-" + n);
          input.value = "";
          form.querySelector('label[for="backup-word-' + n + '"]').textContent =
            lw.fill(section.dataset.wordLabel, { n: positions[n - 1] });
        });
        say(status, "");
        say(formStatus(form), "");
        shown.hidden = false;
        list.scrollIntoView({ block: "center" });
      } catch (error) {
        say(status, failure(error), true);
      }
      show.disabled = false;
    });

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var words = {};
      words[positions[0]] = form.elements.word1.value;
      words[positions[1]] = form.elements.word2.value;
      await keep(form, "/api/backup/phrase/confirm", { words: words }, forget);
    });
  }

  function wirePassphrase(section) {
    var form = document.getElementById("backup-passphrase-form");
    if (!form) return;
    var replace = document.getElementById("backup-secret").dataset.replace === "true";
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      await keep(form, form.dataset.apiUrl, {
        passphrase: form.elements.passphrase.value,
        repeat: form.elements.repeat.value,
        replace: replace
      }, function () { form.reset(); });
    });
  }

  /* Send the secret; on success the page reloads and shows it is set. `onRefused` tidies
     up: a refused phrase is gone on the server too, so its words leave the page. */
  async function keep(form, url, body, onRefused) {
    var button = form.querySelector("button[type=submit]");
    var section = document.getElementById("backup");
    button.disabled = true;
    say(formStatus(form), lw.words().working);
    try {
      await lw.send("POST", url, body);
      say(formStatus(form), section.dataset.kept);
      window.location.reload();
    } catch (error) {
      say(formStatus(form), failure(error), true);
      onRefused(error);
      button.disabled = false;
    }
  }

  function wireFolder(section) {
    var form = document.getElementById("backup-folder-form");
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var folder = form.elements.backup_folder.value.trim();
      var keepText = form.elements.backup_keep.value.trim();
      var body = {
        backup_folder: folder || null,
        backup_keep: keepText !== "" && isFinite(Number(keepText)) ? Number(keepText) : keepText
      };
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      form.querySelectorAll(".field-problem").forEach(function (line) { line.remove(); });
      say(formStatus(form), lw.words().working);
      try {
        await lw.send("PUT", form.dataset.apiUrl, body);
        say(formStatus(form), section.dataset.saved);
        window.location.reload();
      } catch (error) {
        Object.keys(error.fields || {}).forEach(function (name) {
          var input = form.elements[name];
          if (!input) return;
          var line = document.createElement("p");
          line.className = "field-problem";
          line.textContent = error.fields[name];
          input.insertAdjacentElement("afterend", line);
        });
        say(formStatus(form), failure(error), true);
        button.disabled = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("backup");
    if (!section || !lw) return;
    wirePhrase(section);
    wirePassphrase(section);
    wireFolder(section);
  });
})();
