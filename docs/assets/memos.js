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

// This release's folder (`latest/`, `2.14/`, or the site's root outside mike), and the page's path inside it.
const RELEASE_FOLDER = new URL(JSON.parse(document.getElementById("__config").textContent).base, location.href);
const PAGE_PATH = location.pathname.startsWith(RELEASE_FOLDER.pathname)
  ? location.pathname.slice(RELEASE_FOLDER.pathname.length)
  : "";

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
    const release = link.classList.contains("memo-latest") ? new URL("../latest/", RELEASE_FOLDER) : new URL(link.href);
    const target = new URL(PAGE_PATH, release);
    fetch(target, { method: "HEAD" })
      .then((response) => response.ok)
      .catch(() => false)
      .then((exists) => {
        location.href = exists ? target.href + location.hash : release.href;
      });
  },
  true,
);

// Beside each heading's ¶ and each claim's, output's and source's permalink (engine/views/render.py), a button
// that copies the address a reader pastes into a review. `latest` moves to the next release; the address is
// pinned to this page's own release folder (`2.14/`, from the meta tag overrides/main.html writes under mike),
// so the link keeps showing the verdict and output it was pasted for. Ids are explicit and shared by every
// language and release (CONTRIBUTING.md). The notice says which release the link is pinned to.
const RELEASE = document.querySelector('meta[name="memos-release"]')?.content;
const COPY_LINK = {
  ko: {
    section: "이 절의 링크 복사", claim: "이 주장의 링크 복사", output: "이 출력의 링크 복사", source: "이 예제 코드의 링크 복사",
    pinned: (release) => `torch ${release} 릴리스에 고정된 링크를 복사했습니다`, done: "링크를 복사했습니다",
  },
  en: {
    section: "Copy a link to this section", claim: "Copy a link to this claim", output: "Copy a link to this output",
    source: "Copy a link to this example's code",
    pinned: (release) => `Copied a link pinned to the torch ${release} release`, done: "Link copied",
  },
}[document.documentElement.lang === "ko" ? "ko" : "en"];

function pinnedAddress(id) {
  const address = new URL(PAGE_PATH, RELEASE ? new URL(`../${RELEASE}/`, RELEASE_FOLDER) : RELEASE_FOLDER);
  address.hash = id;
  return address.href;
}

// Material's own "copied" notice at the bottom of the page, announced to screen readers too.
const dialog = document.querySelector(".md-dialog");
dialog?.querySelector(".md-dialog__inner").setAttribute("role", "status");
let hideNotice;
function notice(text) {
  if (!dialog) return;
  dialog.querySelector(".md-dialog__inner").textContent = text;
  dialog.classList.add("md-dialog--active");
  clearTimeout(hideNotice);
  hideNotice = setTimeout(() => dialog.classList.remove("md-dialog--active"), 2500);
}

function copyButton(id, kind) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "memo-copy-link";
  button.title = COPY_LINK[kind];
  button.setAttribute("aria-label", COPY_LINK[kind]);
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(pinnedAddress(id));
    notice(RELEASE ? COPY_LINK.pinned(RELEASE) : COPY_LINK.done);
    button.dataset.copied = "";
    setTimeout(() => delete button.dataset.copied, 2000);
  });
  return button;
}

for (const heading of document.querySelectorAll("article h2[id], article h3[id], article h4[id]")) {
  heading.append(copyButton(heading.id, "section"));
}
for (const link of document.querySelectorAll("article a.memo-permalink")) {
  link.after(copyButton(link.hash.slice(1), link.dataset.memoLink));
}
