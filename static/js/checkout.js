// Disable "Place order" after the first click; the server also ignores a second submit
// with the same idempotency key, so this is only to reassure the shopper.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("[data-once]");
  if (!button) return;
  if (button.dataset.sent) { event.preventDefault(); return; }
  button.dataset.sent = "1";
  button.setAttribute("aria-busy", "true");
  button.textContent = "Placing order…";
});
