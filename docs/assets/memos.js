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
