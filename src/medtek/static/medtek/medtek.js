// Irreversible steps ask first: a form with data-confirm="…" is sent only when the user agrees.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A filter select with data-autosubmit sends its form as soon as a value is chosen.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});

// On a narrow screen the main menu folds away behind one button; without script it simply stays open.
(function () {
  var toggle = document.querySelector(".nav-toggle");
  var header = toggle && toggle.closest("header");
  if (!header) {
    return;
  }
  header.classList.add("nav-folds");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("nav-open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("nav-open")) {
      toggle.setAttribute("aria-expanded", "false");
      header.classList.remove("nav-open");
      toggle.focus();
    }
  });
})();

// A page that shows a sent form's errors lists them at the top (the error summary): the focus goes to
// the first field named there (else to the summary), and a link in the summary focuses its field. A
// refusal of the whole form links to the box at the top of that form, so the focus goes to the form
// (on a phone, where the user was); a link whose form shows no such box is plain text.
function focusField(id) {
  var field = id && document.getElementById(id);
  if (!field) {
    return false;
  }
  field.focus();
  field.scrollIntoView({ block: "center" });
  return true;
}

document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  Array.prototype.forEach.call(summary.querySelectorAll("a[href^='#']"), function (link) {
    if (!document.getElementById(link.getAttribute("href").slice(1))) {
      link.replaceWith(document.createTextNode(link.textContent));
    }
  });
  var first = summary.querySelector("a[href^='#']");
  if (!(first && focusField(first.getAttribute("href").slice(1)))) {
    summary.focus();
  }
});

document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
  if (link && focusField(link.getAttribute("href").slice(1))) {
    event.preventDefault();
  }
});

// A job's page (an import, a planning or billing run) follows the job: its counts are fetched every
// two seconds and shown; when it is done or failed the page reloads with the result. Without script,
// the page refreshes itself (a meta refresh in <noscript>) and has a "Refresh" link.
(function () {
  var box = document.querySelector("[data-job-status]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status");
  function show(data) {
    ["state_label", "checked", "written", "step"].forEach(function (name) {
      var field = box.querySelector('[data-job-field="' + name + '"]');
      if (field && data[name] !== undefined) {
        field.textContent = String(data[name]);
      }
    });
    var unclaimed = document.getElementById("job-unclaimed");
    if (unclaimed) {
      unclaimed.hidden = !data.unclaimed;
    }
  }
  function poll() {
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          window.setTimeout(poll, 5000);
          return;
        }
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
