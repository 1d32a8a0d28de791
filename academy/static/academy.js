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

  // Quick exit: a tap on the button or the Escape key replaces this page with a neutral site. location.replace
  // takes the page out of the back button's history; the page is blanked first so nothing lingers on screen.
  function quickExit(event) {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) { return; }
    if (event) { event.preventDefault(); }
    document.title = "";
    document.body.style.visibility = "hidden";
    window.location.replace(link.href);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (link) { quickExit(event); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) { return; }
    if (document.querySelector("dialog[open]")) { return; }  // Escape closes an open dialog first
    if (document.querySelector(".site-header[data-menu-open]")) { return; }  // and an open phone menu
    quickExit(event);
  });

  // On a phone the navigation and the languages fold behind a Menu button, so the header takes one row.
  // Without this script the whole navigation shows, as before.
  var header = document.querySelector(".site-header");
  var toggle = document.querySelector("[data-menu-toggle]");
  if (header && toggle) {
    header.classList.add("folds");
    toggle.hidden = false;
    var setOpen = function (open) {
      if (open) { header.setAttribute("data-menu-open", ""); } else { header.removeAttribute("data-menu-open"); }
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", function () { setOpen(!header.hasAttribute("data-menu-open")); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.hasAttribute("data-menu-open")) {
        setOpen(false);
        toggle.focus();
        event.preventDefault();
      }
    });
  }
})();
