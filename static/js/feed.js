/* The vertical video feed, part one: play what is on screen, batch engagement events. The
   server renders the first page, so everything here is an enhancement: without it the
   videos still play (with controls) and links still work.
   Two plain deferred scripts, run in this order, share one object, window.Feed:
   feed.js        shared state, engagement events, playback and autoplay
   feed-items.js  the rail (like, share, "more", follow) and keys, the desktop product
                  panel, later pages (infinite scroll); it fills in Feed's hooks and
                  starts the feed. */
(() => {
  "use strict";
  const app = document.querySelector("[data-feed]");
  if (!app) return;

  const list = app.querySelector("[data-feed-list]");
  const eventsUrl = app.dataset.eventsUrl;
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const csrf = (() => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  })();

  const feed = {
    app,
    list,
    csrf,
    reduceMotion,
    signedIn: app.dataset.signedIn === "1",
    active: null, // the item on screen
    muted: true,
    // Hooks that feed-items.js fills in before it starts the feed.
    showProducts: null,
    loadMore: null,
    toggleLike: null,
  };
  window.Feed = feed;

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
    v.muted = feed.muted;
    const p = v.play();
    if (p && p.catch) p.catch(() => item.classList.add("is-paused"));
  }

  function activate(item) {
    if (feed.active === item) return;
    if (feed.active) deactivate(feed.active);
    feed.active = item;
    const v = videoOf(item);
    item.classList.add("is-active");
    watch.set(item, { since: 0, completed: false, last: 0 });
    track("view_start", item.dataset.id);
    if (v && !reduceMotion) play(item);
    else item.classList.add("is-paused");
    preloadAround(item);
    feed.showProducts(item);
    const rest = [...list.querySelectorAll(".feed-item")];
    if (rest.length - rest.indexOf(item) <= 3) feed.loadMore();
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
      if (like && like.getAttribute("aria-pressed") !== "true") feed.toggleLike(like, item);
      burst(item);
    });
    observer.observe(item);
  }

  function toggleSound(item) {
    const v = videoOf(item);
    if (v && v.paused) { play(item); if (!feed.muted) return; }
    feed.muted = !feed.muted;
    list.querySelectorAll("video").forEach((el) => { el.muted = feed.muted; });
    app.classList.toggle("is-unmuted", !feed.muted);
    list.querySelectorAll("[data-sound-label]").forEach((label) => {
      label.textContent = feed.muted ? "Unmute" : "Mute";
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
      else if (e.target === feed.active && e.intersectionRatio < 0.4) {
        const v = videoOf(e.target);
        if (v) v.pause();
      }
    }
  }, { root: list, threshold: [0, 0.4, 0.6, 1] });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      if (feed.active) { const v = videoOf(feed.active); if (v) v.pause(); stopClock(feed.active); }
      flush(true);
    } else if (feed.active && !reduceMotion) {
      play(feed.active);
    }
  });
  window.addEventListener("pagehide", () => flush(true));

  Object.assign(feed, { track, flush, videoOf, play, deactivate, wire, toggleSound });
})();
