// Material's language selector drops the #anchor when switching (and looks the page up in a sitemap that
// 404s under static-i18n). Its links already point at the same page in the other language: follow them
// ourselves, keeping the section the reader is on.
document.addEventListener(
  "click",
  (event) => {
    const link = event.target.closest("a[hreflang]");
    if (!link) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    location.href = link.href.split("#")[0] + location.hash;
  },
  true,
);

// Each section heading gets a button that copies a link to that section: the link a reader pastes into a
// review. The ids are explicit and shared by both languages (CONTRIBUTING.md), so the link survives both.
const COPY_LINK = {
  ko: { label: "이 절의 링크 복사", done: "링크를 복사했습니다" },
  en: { label: "Copy a link to this section", done: "Link copied" },
}[document.documentElement.lang] || { label: "Copy a link to this section", done: "Link copied" };

function label(button, text) {
  button.title = text;
  button.setAttribute("aria-label", text);
}

for (const heading of document.querySelectorAll("article h2[id], article h3[id], article h4[id]")) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "memo-copy-link";
  label(button, COPY_LINK.label);
  button.addEventListener("click", async () => {
    const url = new URL(location.href);
    url.hash = heading.id;
    await navigator.clipboard.writeText(url.href);
    label(button, COPY_LINK.done);
    button.dataset.copied = "";
    setTimeout(() => {
      label(button, COPY_LINK.label);
      delete button.dataset.copied;
    }, 2000);
  });
  heading.append(button);
}
