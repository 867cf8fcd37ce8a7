/* The vertical video feed: play what is on screen, batch engagement events, stream in
   more pages from the API. The server renders the first page, so everything here is an
   enhancement: without it the videos still play (with controls) and links still work. */
(() => {
  "use strict";
  const app = document.querySelector("[data-feed]");
  if (!app) return;

  const list = app.querySelector("[data-feed-list]");
  const panel = app.querySelector("[data-panel-body]");
  const sheet = app.querySelector("[data-sheet]");
  const toastEl = app.querySelector("[data-toast]");
  const eventsUrl = app.dataset.eventsUrl;
  const signedIn = app.dataset.signedIn === "1";
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const csrf = (() => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  })();

  let nextUrl = app.dataset.next || "";
  let loading = false;
  let muted = true;
  let active = null;
  const shown = new Set([...list.querySelectorAll(".feed-item")].map((li) => li.dataset.id));

  /* ---------- engagement events: batched, sent every 10 s and when the page hides ---------- */
  const session = Math.random().toString(36).slice(2, 10);
  let seq = 0;
  let queue = [];
  const FLUSH_MS = 10000;
  const MAX_BATCH = 100;

  function track(type, video, extra) {
    queue.push(Object.assign({ id: `${session}-${++seq}`, type, video: Number(video), at: Date.now() }, extra || {}));
    if (queue.length >= 20) flush(false);
  }

  function flush(leaving) {
    if (!queue.length) return;
    const batch = queue.splice(0, MAX_BATCH);
    if (leaving && navigator.sendBeacon) {
      // A beacon cannot carry headers, so the CSRF token travels as a form field.
      const form = new URLSearchParams({ events: JSON.stringify(batch), csrfmiddlewaretoken: csrf });
      if (navigator.sendBeacon(eventsUrl, form)) return;
    }
    fetch(eventsUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ events: batch }),
    }).then((r) => {
      if (r.status >= 500) queue = batch.concat(queue); // same ids: the server counts them once
    }).catch(() => { queue = batch.concat(queue); });
  }
  setInterval(() => flush(false), FLUSH_MS);

  /* ---------- playback ---------- */
  const watch = new WeakMap(); // item -> {since, completed, last}

  function videoOf(item) { return item && item.querySelector("video"); }

  function stopClock(item) {
    const w = watch.get(item);
    if (w && w.since) {
      const ms = Math.round(performance.now() - w.since);
      w.since = 0;
      if (ms > 250) track("watch", item.dataset.id, { ms: Math.min(ms, 600000) });
    }
  }

  function play(item) {
    const v = videoOf(item);
    if (!v) return;
    v.muted = muted;
    const p = v.play();
    if (p && p.catch) p.catch(() => item.classList.add("is-paused"));
  }

  function activate(item) {
    if (active === item) return;
    if (active) deactivate(active);
    active = item;
    const v = videoOf(item);
    item.classList.add("is-active");
    watch.set(item, { since: 0, completed: false, last: 0 });
    track("view_start", item.dataset.id);
    if (v && !reduceMotion) play(item);
    else item.classList.add("is-paused");
    preloadAround(item);
    showProducts(item);
    const rest = [...list.querySelectorAll(".feed-item")];
    if (rest.length - rest.indexOf(item) <= 3) loadMore();
  }

  function deactivate(item) {
    item.classList.remove("is-active");
    const v = videoOf(item);
    if (v) v.pause();
    stopClock(item);
  }

  function preloadAround(item) {
    let next = item.nextElementSibling;
    for (let i = 0; i < 2 && next; i += 1, next = next.nextElementSibling) {
      const v = videoOf(next);
      if (!v) continue;
      if (v.poster) new Image().src = v.poster;
      if (i === 0) v.preload = "auto";
    }
  }

  function wire(item) {
    const v = videoOf(item);
    if (!v || v.dataset.wired) return;
    v.dataset.wired = "1";
    v.removeAttribute("controls"); // the whole video is the control: tap to unmute, double tap to like
    v.addEventListener("playing", () => {
      item.classList.remove("is-paused");
      const w = watch.get(item);
      if (w && !w.since) w.since = performance.now();
    });
    v.addEventListener("pause", () => stopClock(item));
    v.addEventListener("timeupdate", () => {
      const w = watch.get(item);
      if (!w || !v.duration) return;
      // The clip loops, so "ended" never fires: a jump back to the start is a completion.
      if (!w.completed && (v.currentTime < w.last - 0.5 || v.currentTime >= v.duration - 0.25)) {
        w.completed = true;
        track("complete", item.dataset.id);
      }
      w.last = v.currentTime;
    });
    let tapTimer = 0;
    v.addEventListener("click", () => {
      if (tapTimer) return;
      tapTimer = setTimeout(() => { tapTimer = 0; toggleSound(item); }, 250);
    });
    v.addEventListener("dblclick", () => {
      clearTimeout(tapTimer);
      tapTimer = 0;
      const like = item.querySelector("[data-like]");
      if (like && like.getAttribute("aria-pressed") !== "true") toggleLike(like, item);
      burst(item);
    });
    observer.observe(item);
  }

  function toggleSound(item) {
    const v = videoOf(item);
    if (v && v.paused) { play(item); if (!muted) return; }
    muted = !muted;
    list.querySelectorAll("video").forEach((el) => { el.muted = muted; });
    app.classList.toggle("is-unmuted", !muted);
    list.querySelectorAll("[data-sound-label]").forEach((label) => {
      label.textContent = muted ? "Unmute" : "Mute";
    });
  }

  function burst(item) {
    if (reduceMotion) return;
    const heart = document.createElement("span");
    heart.className = "like-burst";
    heart.setAttribute("aria-hidden", "true");
    item.querySelector(".clip").appendChild(heart);
    setTimeout(() => heart.remove(), 700);
  }

  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting && e.intersectionRatio >= 0.6) activate(e.target);
      else if (e.target === active && e.intersectionRatio < 0.4) {
        const v = videoOf(e.target);
        if (v) v.pause();
      }
    }
  }, { root: list, threshold: [0, 0.4, 0.6, 1] });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      if (active) { const v = videoOf(active); if (v) v.pause(); stopClock(active); }
      flush(true);
    } else if (active && !reduceMotion) {
      play(active);
    }
  });
  window.addEventListener("pagehide", () => flush(true));

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
    active = null;
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
    if (nav && active) {
      const to = nav.dataset.nav === "1" ? active.nextElementSibling : active.previousElementSibling;
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
      el("button", { type: "button", class: "clip-sound", "data-sound": "" }, [svg(ICONS.sound), el("span", { "data-sound-label": "" }, muted ? "Unmute" : "Mute")]),
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

  list.querySelectorAll(".feed-item").forEach(wire);
  list.tabIndex = 0;
  if (!list.querySelector(".feed-item") && !list.querySelector(".feed-empty")) loadMore();
})();
