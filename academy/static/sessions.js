/* The projector display: refresh the QR code, short code and count without reloading the page. */
(function () {
  "use strict";

  function group(code) {
    return code.slice(0, 3) + " " + code.slice(3);
  }

  function initDisplay(root) {
    var url = root.getAttribute("data-state-url");
    var step = parseFloat(root.getAttribute("data-step")) || 15;
    var left = parseFloat(root.getAttribute("data-seconds-left")) || step;
    var syncedAt = Date.now();
    var img = document.getElementById("display-qr");
    var code = document.getElementById("display-code");
    var count = document.getElementById("display-count");
    var seconds = document.getElementById("display-seconds");
    var timer = document.getElementById("display-timer");
    var message = document.getElementById("display-message");
    var offline = document.getElementById("display-offline");
    var timeout = null;

    function remaining() {
      return Math.max(0, left - (Date.now() - syncedAt) / 1000);
    }

    function apply(data) {
      if (img.getAttribute("src") !== data.qr) { img.setAttribute("src", data.qr); }
      code.textContent = group(data.code);
      // The server words the count (plural and number format of the page's language); never parsed as HTML.
      if (data.checked_in_text && count.textContent !== data.checked_in_text) { count.textContent = data.checked_in_text; }
      left = data.seconds_left;
      syncedAt = Date.now();
      message.textContent = data.message || "";
      message.hidden = !data.message;
      offline.hidden = true;
      root.classList.remove("is-offline");
    }

    function schedule(ms) {
      window.clearTimeout(timeout);
      timeout = window.setTimeout(refresh, ms);
    }

    function refresh() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (data) {
          apply(data);
          // Poll every 3 s for the count, and just after the code rotates.
          schedule(Math.min(3000, data.seconds_left * 1000 + 150));
        })
        .catch(function () {
          offline.hidden = false;
          root.classList.add("is-offline");
          schedule(3000);
        });
    }

    function tick() {
      var r = remaining();
      seconds.textContent = String(Math.ceil(r));
      timer.value = r;
    }

    window.setInterval(tick, 250);
    schedule(Math.min(3000, left * 1000 + 150));

    var full = document.getElementById("display-fullscreen");
    if (full && document.documentElement.requestFullscreen) {
      full.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
    } else if (full) {
      full.hidden = true;
    }
  }

  var root = document.getElementById("display");
  if (root) { initDisplay(root); }
})();
