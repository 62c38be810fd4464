// Disable a submit button after the first click, so a double tap on a slow phone sends one
// request. The server is idempotent anyway; this only spares the second round trip.
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector("button[data-once]");
  if (!button) return;
  if (button.dataset.sent) { event.preventDefault(); return; }
  button.dataset.sent = "1";
  button.setAttribute("aria-disabled", "true");
  button.classList.add("is-busy");
});
