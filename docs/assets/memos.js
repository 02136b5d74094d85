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

// The version selector (releases deployed by mike) and the older-release banner: Material's selector finds
// the same page only in the sitemap, which static-i18n fills with Korean pages alone, so on an English page
// it lands on the release's home. Go to the same page and #anchor in the chosen release instead, or to that
// release's home where the page does not exist.
document.addEventListener(
  "click",
  (event) => {
    const link = event.target.closest(".md-version__link, a.memo-latest");
    if (!link || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const here = new URL(JSON.parse(document.getElementById("__config").textContent).base, location.href);
    const release = link.classList.contains("memo-latest") ? new URL("../latest/", here) : new URL(link.href);
    const page = location.pathname.startsWith(here.pathname) ? location.pathname.slice(here.pathname.length) : "";
    const target = new URL(page, release);
    fetch(target, { method: "HEAD" })
      .then((response) => response.ok)
      .catch(() => false)
      .then((exists) => {
        location.href = exists ? target.href + location.hash : release.href;
      });
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

// static-i18n writes one search index for both languages, and every page loads it: keep the results in the
// reader's language (each page exists in both, with the same ids, so nothing is lost).
const SITE_ROOT = new URL(JSON.parse(document.getElementById("__config").textContent).base + "/", location.href);
const READING_ENGLISH = document.documentElement.lang === "en";
const results = document.querySelector(".md-search-result__list");
if (results) {
  new MutationObserver(() => {
    for (const link of results.querySelectorAll("a.md-search-result__link")) {
      const english = new URL(link.href).pathname.slice(SITE_ROOT.pathname.length).startsWith("en/");
      link.closest("li").hidden = english !== READING_ENGLISH;
    }
  }).observe(results, { childList: true, subtree: true });
}
