// Progressive enhancement only: the site works without this file.

// Buttons with data-confirm ask before submitting their form (deleting, suspending).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// "Quote": with text selected inside a reply, quote just that part into the reply box on this
// page; otherwise follow the link, which quotes the whole reply server-side.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.quote-link");
  const box = document.getElementById("reply-body");
  if (!link || !box) return;
  const source = document.querySelector(`[data-quote-source="${link.dataset.quote}"]`);
  const selection = window.getSelection();
  const text = selection ? selection.toString().trim() : "";
  if (!source || !text || !source.contains(selection.anchorNode)) return;
  event.preventDefault();
  const author = source.dataset.quoteAuthor;
  const quoted = text.split("\n").map((line) => `> ${line}`).join("\n");
  const block = `> **@${author}** [wrote](/replies/${link.dataset.quote}):\n>\n${quoted}\n\n`;
  box.value = box.value ? `${box.value}\n${block}` : block;
  box.focus();
  box.scrollIntoView({ block: "center" });
});
