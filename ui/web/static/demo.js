/* The guided demo panel (only in `learner-wallet demo`): each button asks the demo's peers
   to move on (/api/demo/step/N); invitations are accepted through the wallet's normal
   /api/connections, exactly as the Connections page does. The panel then shows what the
   employer received, polling /api/demo. */
"use strict";
(function () {
  var panel = document.querySelector("[data-demo-panel]");
  if (!panel) return;
  var words = panel.dataset;
  var POLL_MS = 2000;

  // The same JSON sender as every other page (app.js, loaded first): CSRF token, errors.
  var send = window.LearnerWallet.send;

  function stepItem(step) { return panel.querySelector('[data-demo-step="' + step + '"]'); }

  function say(step, text, failed) {
    var box = stepItem(step).querySelector("[data-demo-status]");
    box.textContent = text;
    box.classList.toggle("failed", Boolean(failed));
  }

  // Away from Home the done texts of steps 2 and 3 send the learner there: with a link.
  function linkHome(step) {
    if (!words.homeLink || step < 2) return;
    var box = stepItem(step).querySelector("[data-demo-status]");
    var link = document.createElement("a");
    link.href = "/";
    link.textContent = words.homeLink;
    box.appendChild(document.createTextNode(" "));
    box.appendChild(link);
  }

  var busy = {};

  async function run(step) {
    var button = stepItem(step).querySelector("[data-demo-run]");
    busy[step] = true;
    button.disabled = true;
    say(step, words.working);
    try {
      var answer = await send("POST", "/api/demo/step/" + step);
      if (answer.invitation) {
        say(step, words.accepting);
        await send("POST", "/api/connections", { invitation: answer.invitation });
      }
      say(step, words["done-" + step]);
      linkHome(step);
    } catch (error) {
      say(step, words.failed + " " + error.message, true);
    } finally {
      busy[step] = false;
      refresh();
    }
  }

  function showSteps(steps) {
    [1, 2, 3].forEach(function (step) {
      var item = stepItem(step);
      var state = steps[String(step)] || "todo";
      item.dataset.state = state;
      var previous = step === 1 ? "done" : steps[String(step - 1)];
      var button = item.querySelector("[data-demo-run]");
      button.disabled = Boolean(busy[step]) || previous !== "done" || state === "done";
    });
  }

  function line(label, values) {
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = label + " ";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(values.length ? values.join(", ") : words.nothing));
    return p;
  }

  function showResults(results, problem) {
    var box = panel.querySelector("[data-demo-results]");
    box.replaceChildren();
    if (!results.length && !problem) return;
    var heading = document.createElement("h3");
    heading.textContent = words.resultTitle;
    box.appendChild(heading);
    results.forEach(function (result, index) {
      var card = document.createElement("div");
      card.className = "card demo-result";
      card.dataset.demoResult = String(index + 1);
      var title = document.createElement("h4");
      var verdict = result.verified === true ? words.verified
        : result.verified === false ? words.notVerified : words.waiting;
      card.dataset.verified = String(result.verified);
      title.textContent = (index + 1) + ". " + result.name + ": " + verdict;
      card.appendChild(title);
      if (result.verified !== null) {
        card.appendChild(line(words.received, Object.keys(result.received).map(function (k) {
          return k + " = " + result.received[k];
        })));
        if (result.proved.length) card.appendChild(line(words.proved, result.proved));
        card.appendChild(line(words.hidden, result.hidden));
      }
      box.appendChild(card);
    });
    if (problem) {
      var p = document.createElement("p");
      p.className = "demo-status failed";
      p.textContent = words.failed + " " + problem;
      box.appendChild(p);
    }
  }

  async function refresh() {
    try {
      var state = await send("GET", "/api/demo");
      showSteps(state.steps);
      showResults(state.results, state.problem);
    } catch (ignored) {
      /* the next poll tries again; live.js tells the learner when the wallet is gone */
    }
  }

  panel.querySelectorAll("[data-demo-run]").forEach(function (button) {
    button.addEventListener("click", function () { run(Number(button.dataset.demoRun)); });
  });
  refresh();
  window.setInterval(refresh, POLL_MS);
})();
