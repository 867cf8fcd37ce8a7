/* Deal countdowns. The server renders the end time (<time datetime>) and the time left;
   this only keeps the text ticking. Same format as the `countdown` template filter. */
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function format(seconds) {
    var days = Math.floor(seconds / 86400);
    var rest = seconds % 86400;
    var clock = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
    return days ? days + "d " + clock : clock;
  }

  function tick() {
    var now = Date.now();
    // Queried each tick, so cards added later (htmx pages, variant changes) tick too.
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var end = Date.parse(el.getAttribute("datetime") || "");
      if (isNaN(end)) return;
      var left = Math.max(0, Math.floor((end - now) / 1000));
      var text = left > 0 ? format(left) : "Ended";
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("is-ended", left === 0);
    });
  }

  tick();
  window.setInterval(tick, 1000);
})();
