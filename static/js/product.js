/* Product page enhancements. Without JavaScript the page still works: the server renders
   the selected variant's price and stock, and the carousel is CSS scroll-snap with links. */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function setHidden(el, hidden) {
    if (el) el.hidden = hidden;
  }

  // Variant picker: show the chosen variant's price, deal and stock.
  var block = document.querySelector("[data-price-block]");
  document.querySelectorAll('input[name="variant"][type="radio"]').forEach(function (radio) {
    radio.addEventListener("change", function () {
      var d = radio.dataset;
      if (block) {
        block.querySelector("[data-price-now]").textContent = d.price;
        block.querySelector("[data-compare-amount]").textContent = d.compare;
        setHidden(block.querySelector("[data-compare]"), !d.compare);
        var off = block.querySelector("[data-off]");
        off.textContent = "-" + d.off + "%";
        setHidden(off, d.off === "0" || !d.off);
        var hasDeal = Boolean(d.dealEnds);
        block.classList.toggle("has-deal", hasDeal);
        setHidden(block.querySelector("[data-deal]"), !hasDeal);
        setHidden(block.querySelector("[data-deal-left-line]"), !hasDeal);
        if (hasDeal) {
          block.querySelector("time[data-countdown]").setAttribute("datetime", d.dealEnds);
          block.querySelector("[data-deal-left]").textContent = d.dealLeft;
        }
      }
      var stock = document.querySelector("[data-stock]");
      if (stock) {
        stock.textContent = d.stockLabel;
        stock.className = "stock stock-" + d.stockState;
      }
      var qty = document.querySelector("[data-qty]");
      if (qty && d.max) {
        qty.max = d.max;
        if (Number(qty.value) > Number(d.max)) qty.value = d.max;
      }
      var url = new URL(window.location.href);
      url.searchParams.set("variant", radio.value);
      window.history.replaceState(null, "", url);
    });
  });

  // Carousel: the thumbnails/dots scroll the strip sideways (no page jump) and follow it.
  var carousel = document.querySelector("[data-carousel]");
  var links = document.querySelectorAll(".carousel-nav a[data-slide]");
  if (!carousel || !links.length) return;
  var slides = carousel.querySelectorAll(".slide");

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var slide = slides[Number(link.dataset.slide)];
      if (slide) {
        carousel.scrollTo({ left: slide.offsetLeft, behavior: reduceMotion ? "auto" : "smooth" });
      }
    });
  });

  function mark(index) {
    links.forEach(function (link, i) {
      if (i === index) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) mark(Array.prototype.indexOf.call(slides, entry.target));
        });
      },
      { root: carousel, threshold: 0.6 }
    );
    slides.forEach(function (slide) {
      observer.observe(slide);
    });
  }
})();
