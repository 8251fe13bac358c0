// Irreversible steps ask first: a form with data-confirm="…" is sent only when the user agrees.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
