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
