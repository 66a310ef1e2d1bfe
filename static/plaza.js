// Progressive enhancement only: the site works without this file.
// Buttons with data-confirm ask before submitting their form (deleting, suspending).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
