/* The vertical video feed, part two (after feed.js, see there): the rail (like, share,
   "more", follow) and the keys, the desktop product panel, and later pages from the API
   (infinite scroll). It fills in window.Feed's hooks, then starts the feed. */
(() => {
  "use strict";
  const feed = window.Feed;
  if (!feed) return;

  const { app, list, csrf, signedIn, reduceMotion, track, flush, videoOf, play, deactivate, wire, toggleSound } = feed;
  const panel = app.querySelector("[data-panel-body]");
  const sheet = app.querySelector("[data-sheet]");
  const toastEl = app.querySelector("[data-toast]");
  let nextUrl = app.dataset.next || "";
  let loading = false;
  const shown = new Set([...list.querySelectorAll(".feed-item")].map((li) => li.dataset.id));

  /* ---------- the rail: like, share, more, follow ---------- */
  function compact(n) {
    for (const [size, suffix] of [[1e9, "B"], [1e6, "M"], [1e3, "k"]]) {
      if (n >= size) return `${(n / size).toFixed(1).replace(/\.0$/, "")}${suffix}`;
    }
    return String(n);
  }

  function bump(countEl, delta) {
    const n = Math.max(0, Number(countEl.dataset.count || 0) + delta);
    countEl.dataset.count = String(n);
    countEl.textContent = compact(n);
  }

  function toLogin() {
    window.location.href = `${app.dataset.loginUrl}?next=${encodeURIComponent(location.pathname + location.search)}`;
  }

  function toggleLike(btn, item) {
    if (!signedIn) { toLogin(); return; }
    const liked = btn.getAttribute("aria-pressed") !== "true";
    btn.setAttribute("aria-pressed", String(liked)); // optimistic; the event makes it so
    bump(btn.querySelector("[data-like-count]"), liked ? 1 : -1);
    track(liked ? "like" : "unlike", item.dataset.id);
    flush(false); // likes should survive a quick reload
  }

  function shareUrl(item) { return new URL(item.dataset.shareUrl, location.origin).href; }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "sr-only";
    document.body.appendChild(field);
    field.select();
    const ok = document.execCommand("copy");
    field.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  async function share(item) {
    const url = shareUrl(item);
    const title = `@${item.dataset.handle} on Marketplace`;
    try {
      if (navigator.share) await navigator.share({ title, url });
      else { await copy(url); toast("Link copied"); }
    } catch (e) {
      if (e && e.name === "AbortError") return;
      try { await copy(url); toast("Link copied"); } catch (_) { toast(url); return; }
    }
    bump(item.querySelector("[data-share-count]"), 1);
    track("share", item.dataset.id);
  }

  let toastTimer = 0;
  function toast(text) {
    toastEl.textContent = text;
    toastEl.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toastEl.hidden = true; }, 2600);
  }

  let sheetItem = null;
  function openSheet(item) {
    sheetItem = item;
    const why = sheet.querySelector("[data-sheet-why]");
    why.replaceChildren();
    const reasons = item.querySelectorAll(".why li");
    if (reasons.length) {
      const h = el("h3", { class: "sheet-why-title" }, "Why this video?");
      const ul = el("ul");
      reasons.forEach((r) => ul.appendChild(el("li", {}, r.textContent)));
      why.append(h, ul);
    }
    if (sheet.showModal) sheet.showModal(); else sheet.setAttribute("open", "");
  }

  function notInterested(item) {
    track("not_interested", item.dataset.id);
    flush(false);
    const creator = item.dataset.creator;
    const next = item.nextElementSibling;
    // Later items by the same creator go too; the server drops them from the next pages.
    list.querySelectorAll(`.feed-item[data-creator="${creator}"]`).forEach((li) => {
      if (li !== item && li.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_PRECEDING) li.remove();
    });
    deactivate(item);
    feed.active = null;
    item.remove();
    if (next && next.isConnected) next.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth" });
    toast("Got it. You'll see fewer videos like this.");
  }

  async function follow(form, item) {
    const btn = form.querySelector("button");
    btn.disabled = true;
    try {
      const r = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "HX-Request": "true" },
        body: new FormData(form),
      });
      const login = r.headers.get("HX-Redirect");
      if (login) { window.location.href = login; return; }
      if (!r.ok) throw new Error(String(r.status));
      list.querySelectorAll(`.feed-item[data-creator="${item.dataset.creator}"] [data-follow]`)
        .forEach((f) => f.remove());
      toast(`Following @${item.dataset.handle}`);
    } catch (e) {
      btn.disabled = false;
      form.submit();
    }
  }

  app.addEventListener("click", (e) => {
    const item = e.target.closest(".feed-item");
    const like = e.target.closest("[data-like]");
    if (like && item) { toggleLike(like, item); return; }
    if (e.target.closest("[data-share]") && item) { share(item); return; }
    if (e.target.closest("[data-more]") && item) { openSheet(item); return; }
    if (e.target.closest("[data-sound]") && item) { toggleSound(item); return; }
    const nav = e.target.closest("[data-nav]");
    if (nav && feed.active) {
      const to = nav.dataset.nav === "1" ? feed.active.nextElementSibling : feed.active.previousElementSibling;
      if (to) to.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth" });
      return;
    }
    if (e.target.closest("[data-not-interested]") && sheetItem) { sheet.close(); notInterested(sheetItem); return; }
    if (e.target.closest("[data-copy-link]") && sheetItem) {
      const it = sheetItem;
      sheet.close();
      copy(shareUrl(it)).then(() => toast("Link copied"), () => toast(shareUrl(it)));
    }
  });
  app.addEventListener("submit", (e) => {
    const form = e.target.closest("[data-follow]");
    if (!form) return;
    e.preventDefault();
    if (!signedIn) { toLogin(); return; }
    follow(form, form.closest(".feed-item"));
  });
  list.addEventListener("keydown", (e) => {
    const active = feed.active;
    if (!active || e.target.closest("a, button, summary, input")) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const to = e.key === "ArrowDown" ? active.nextElementSibling : active.previousElementSibling;
      if (to) { e.preventDefault(); to.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth" }); }
    } else if (e.key === "m") toggleSound(active);
    else if (e.key === " ") {
      e.preventDefault();
      const v = videoOf(active);
      if (v && v.paused) play(active); else if (v) v.pause();
    }
  });

  /* ---------- the desktop product panel ---------- */
  function showProducts(item) {
    if (!panel) return;
    const chips = item.querySelectorAll(".chip");
    if (!chips.length) {
      panel.replaceChildren(el("p", { class: "panel-empty" }, "No products are tagged in this video."));
      return;
    }
    const ul = el("ul", { class: "panel-products" });
    chips.forEach((chip) => {
      const img = chip.querySelector("img");
      const stock = chip.querySelector(".chip-stock");
      const soldOut = chip.classList.contains("is-sold-out");
      ul.appendChild(el("li", {}, el("a", { class: `panel-product${soldOut ? " is-sold-out" : ""}`, href: chip.getAttribute("href"), rel: "nofollow" }, [
        img ? el("img", { src: img.src, alt: "", width: "96", height: "96" }) : el("span", { class: "panel-img", "aria-hidden": "true" }),
        el("span", { class: "panel-text" }, [
          el("span", { class: "panel-name" }, chip.querySelector(".chip-title").textContent),
          el("span", { class: "panel-price" }, el("strong", {}, chip.querySelector(".chip-price").textContent)),
          stock ? el("span", { class: "panel-stock" }, stock.textContent) : null,
          el("span", { class: "btn btn-brand panel-cta" }, soldOut ? "View product" : "Buy now"),
        ]),
      ])));
    });
    panel.replaceChildren(ul);
  }

  /* ---------- infinite scroll: later pages from the API ---------- */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, v);
    for (const c of [].concat(children === undefined ? [] : children)) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function svg(markup) {
    const t = document.createElement("template");
    t.innerHTML = markup.trim();
    return t.content.firstChild;
  }

  const ICONS = {};
  (() => { // reuse the server-rendered icons so the two never drift apart
    const first = list.querySelector(".feed-item");
    const pick = (sel) => (first && first.querySelector(sel) ? first.querySelector(sel).outerHTML : "");
    ICONS.like = pick("[data-like] svg");
    ICONS.share = pick("[data-share] svg");
    ICONS.more = pick("[data-more] svg");
    ICONS.sound = pick("[data-sound] svg");
    ICONS.plus = pick(".follow-btn svg") || '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 6v12M6 12h12"/></svg>';
  })();

  function renderItem(item) {
    const c = item.creator;
    const chips = item.products.length ? el("ul", { class: `chips${item.products.length > 1 ? " chips-many" : ""}`, "aria-label": "Products in this video" },
      item.products.map((p) => el("li", {}, el("a", { class: `chip${p.in_stock ? "" : " is-sold-out"}`, href: p.url, rel: "nofollow", "data-product": p.id }, [
        p.image_url ? el("img", { class: "chip-img", src: p.image_url, alt: "", width: "44", height: "44", loading: "lazy" }) : el("span", { class: "chip-img", "aria-hidden": "true" }),
        el("span", { class: "chip-text" }, [
          el("span", { class: "chip-title" }, p.title),
          el("span", { class: "chip-meta" }, [el("strong", { class: "chip-price" }, p.price_display), p.stock_label ? " " : null, p.stock_label ? el("span", { class: "chip-stock" }, p.stock_label) : null]),
        ]),
        el("span", { class: "chip-buy", "aria-hidden": "true" }, p.in_stock ? "Buy" : "View"),
      ])))) : null;
    const avatar = el("a", { class: "avatar", href: c.url, "aria-label": `@${c.handle}’s profile` },
      c.avatar_url ? el("img", { src: c.avatar_url, alt: "", width: "48", height: "48", loading: "lazy" }) : el("span", { "aria-hidden": "true" }, (c.name || c.handle).charAt(0).toUpperCase()));
    const followForm = item.viewer.following ? null : el("form", { class: "follow-form", method: "post", action: `${c.url}follow/`, "data-follow": "" }, [
      el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }),
      el("input", { type: "hidden", name: "next", value: location.pathname + location.search }),
      el("button", { type: "submit", class: "follow-btn", "aria-label": `Follow @${c.handle}` }, svg(ICONS.plus)),
    ]);
    const video = el("video", { class: "clip-video", src: item.video_url, poster: item.poster_url || null, playsinline: "", muted: "", loop: "", preload: "metadata", "aria-label": (item.caption || "Video").slice(0, 80) });
    video.muted = true;
    return el("li", { class: "feed-item", "data-id": item.id, "data-creator": c.id, "data-handle": c.handle, "data-share-url": item.url }, el("article", { class: "clip", "aria-label": `Video by @${c.handle}` }, [
      video,
      el("button", { type: "button", class: "clip-sound", "data-sound": "" }, [svg(ICONS.sound), el("span", { "data-sound-label": "" }, feed.muted ? "Unmute" : "Mute")]),
      el("div", { class: "clip-rail" }, [
        el("div", { class: "rail-creator" }, [avatar, followForm]),
        el("button", { type: "button", class: "rail-btn", "data-like": "", "aria-pressed": String(item.viewer.liked), "aria-label": "Like" }, [svg(ICONS.like), el("span", { class: "rail-count", "data-like-count": "", "data-count": item.counts.likes }, compact(item.counts.likes))]),
        el("button", { type: "button", class: "rail-btn", "data-share": "", "aria-label": "Share" }, [svg(ICONS.share), el("span", { class: "rail-count", "data-share-count": "", "data-count": item.counts.shares }, compact(item.counts.shares))]),
        el("button", { type: "button", class: "rail-btn", "data-more": "", "aria-label": "More options", "aria-haspopup": "dialog" }, svg(ICONS.more)),
      ]),
      el("div", { class: "clip-info" }, [
        chips,
        el("p", { class: "clip-handle" }, [el("a", { href: c.url }, `@${c.handle}`), c.name ? " " : null, c.name ? el("span", { class: "clip-name" }, `· ${c.name}`) : null]),
        item.caption || item.hashtags.length ? el("p", { class: "clip-caption" }, [item.caption, ...item.hashtags.map((t) => el("span", { class: "clip-tag" }, ` #${t}`))]) : null,
        el("details", { class: "why" }, [el("summary", {}, "Why this video?"), el("ul", {}, item.reasons.map((r) => el("li", { "data-code": r.code }, r.text)))]),
      ]),
    ]));
  }

  function endCard(text) {
    if (list.querySelector(".feed-end")) return;
    list.appendChild(el("li", { class: "feed-end" }, [el("h2", {}, "You're all caught up"), el("p", {}, text), el("a", { class: "btn btn-brand btn-lg", href: "/shop/" }, "Go to the Shop")]));
  }

  async function loadMore() {
    if (loading) return;
    if (!nextUrl) { if (shown.size) endCard("Check back soon for new videos."); return; }
    loading = true;
    try {
      const r = await fetch(nextUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (r.status === 410 || r.status === 400) { // expired or stale cursor: start over
        nextUrl = app.dataset.first;
        loading = false;
        return loadMore();
      }
      if (!r.ok) throw new Error(String(r.status));
      const data = await r.json();
      for (const item of data.results) {
        if (shown.has(String(item.id))) continue;
        shown.add(String(item.id));
        const li = renderItem(item);
        list.insertBefore(li, list.querySelector(".feed-end"));
        wire(li);
      }
      nextUrl = data.next || "";
      if (!nextUrl) endCard("Check back soon for new videos.");
    } catch (e) {
      setTimeout(() => { loading = false; }, 3000); // let the next scroll retry
      return;
    }
    loading = false;
  }

  Object.assign(feed, { showProducts, loadMore, toggleLike });
  list.querySelectorAll(".feed-item").forEach(wire);
  list.tabIndex = 0;
  if (!list.querySelector(".feed-item") && !list.querySelector(".feed-empty")) loadMore();
})();
