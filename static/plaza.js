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
  const wrote = link.dataset.quoteWrote || "wrote";
  const block = `> **@${author}** [${wrote}](/replies/${link.dataset.quote}):\n>\n${quoted}\n\n`;
  box.value = box.value ? `${box.value}\n${block}` : block;
  box.focus();
  box.scrollIntoView({ block: "center" });
});

// Attaching files in an editor: chosen or dropped files are uploaded at once to the member's
// library and their Markdown inserted where the cursor is, with the cursor left between the
// brackets to describe the picture. Without this script the files go with the form instead.
for (const box of document.querySelectorAll(".attach[data-attach-for]")) {
  const area = document.getElementById(box.dataset.attachFor);
  const input = box.querySelector("input[type=file]");
  const list = box.querySelector(".attach-list");
  const form = box.closest("form");
  const token = form && form.querySelector("input[name=csrf_token]");
  if (!area || !input || !list || !token || !window.fetch) continue;

  // Insert at `at` (the cursor, or where the previous file of the same batch ended); returns
  // where the inserted text ends and where its brackets are.
  const insert = (markdown, at) => {
    const start = at ?? area.selectionStart ?? area.value.length;
    const end = at ?? area.selectionEnd ?? start;
    const before = area.value.slice(0, start);
    const after = area.value.slice(end);
    const lead = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    const tail = after.startsWith("\n") ? "" : "\n";
    area.value = before + lead + markdown + tail + after;
    return { end: before.length + lead.length + markdown.length + tail.length, brackets: before.length + lead.length + 2 };
  };

  // The caret goes between the brackets of the first picture of a batch, to describe it.
  const focusAt = (pos) => {
    area.focus();
    area.setSelectionRange(pos, pos);
  };

  const upload = async (file, at) => {
    const item = document.createElement("li");
    item.textContent = box.dataset.uploading ? box.dataset.uploading.replace("{name}", file.name) : file.name + " …";
    list.append(item);
    const body = new FormData();
    body.append("files", file, file.name);
    let placed = null;
    try {
      const res = await fetch("/media", {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRF-Token": token.value },
        credentials: "same-origin",
        redirect: "manual",
      });
      const type = res.headers.get("content-type") || "";
      if (!type.includes("application/json")) {
        // Logged out meanwhile, or a form of an older page: say so instead of failing silently.
        item.classList.add("field-error");
        item.textContent = `${file.name}: ${box.dataset.failed || "✗"}`;
        return null;
      }
      const answer = await res.json();
      item.textContent = "";
      for (const u of answer.uploaded || []) {
        if (u.thumbnail) {
          const img = document.createElement("img");
          img.src = u.thumbnail;
          img.alt = "";
          img.width = 64;
          img.height = 48;
          item.append(img, " ");
        }
        const code = document.createElement("code");
        code.textContent = u.markdown;
        item.append(u.file_name, " ", code);
        placed = insert(u.markdown, at);
      }
      for (const [name, message] of answer.refused || []) {
        item.classList.add("field-error");
        item.append(`${name || file.name}: ${message}`);
      }
    } catch {
      item.classList.add("field-error");
      item.textContent = `${file.name}: ${box.dataset.failed || "✗"}`;
    }
    return placed;
  };

  const uploadAll = async (files) => {
    let at = null;
    let first = null;
    for (const f of files) {
      const placed = await upload(f, at);
      if (placed) {
        at = placed.end;
        first = first ?? placed.brackets;
      }
    }
    if (first !== null) focusAt(first);
  };

  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    await uploadAll(files);
  });
  // Files may be dropped on the text or on the strip below it (a file dropped beside them would
  // make the browser open it instead of the page, losing nothing but confusing).
  box.classList.add("droppable");
  for (const zone of [area, box]) {
    zone.addEventListener("dragover", (event) => {
      if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) {
        event.preventDefault();
        zone.classList.add("dropping");
      }
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("dropping"));
    zone.addEventListener("drop", async (event) => {
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      zone.classList.remove("dropping");
      await uploadAll([...event.dataTransfer.files]);
    });
  }
}

// The header's menu on a phone: opened in place (without the jump to #site-menu) and said so.
{
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("site-menu");
  const close = menu && menu.querySelector(".menu-close");
  if (toggle && menu) {
    toggle.setAttribute("aria-controls", "site-menu");
    toggle.setAttribute("aria-expanded", "false");
    const set = (open) => {
      menu.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
    };
    toggle.addEventListener("click", (event) => {
      event.preventDefault();
      set(!menu.classList.contains("open"));
    });
    if (close) {
      close.addEventListener("click", (event) => {
        event.preventDefault();
        set(false);
        toggle.focus();
      });
    }
  }
}

// The account menu closes on a click elsewhere or on Escape, as menus do.
document.addEventListener("click", (event) => {
  for (const open of document.querySelectorAll("details.account-menu[open]")) {
    if (!open.contains(event.target)) open.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const open of document.querySelectorAll("details.account-menu[open]")) {
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  }
});
