// Progressive enhancements shared by every page. The pages work without this file.
(function () {
  "use strict";

  // A table wider than the screen scrolls inside its .table-wrap. Keyboard users can scroll it only if it can
  // take focus, and screen-reader users need to know what it is: make it a focusable, named region then.
  function labelScrollingTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var table = wrap.querySelector("table");
        var caption = table && table.caption ? table.caption.textContent.trim() : "";
        var heading = wrap.closest("section") && wrap.closest("section").querySelector("h2, h3");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption || (heading ? heading.textContent.trim() : document.title));
        wrap.dataset.scrollable = "1";
      } else if (!scrolls && wrap.dataset.scrollable) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        delete wrap.dataset.scrollable;
      }
    });
  }

  var pending = null;
  function later() {
    if (pending) { window.cancelAnimationFrame(pending); }
    pending = window.requestAnimationFrame(labelScrollingTables);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelScrollingTables);
  } else {
    labelScrollingTables();
  }
  window.addEventListener("resize", later);
})();
