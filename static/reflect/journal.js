/* Journal: keep drafts safe when a page is left in a hurry, print buttons, and lock when idle.
   Everything here is an extra: without JavaScript, writing and saving work as plain forms. */
(function () {
  "use strict";

  var form = document.getElementById("entry-form");
  var dirty = false;
  var leaving = false;

  function sendDraft(extra) {
    if (!form || !navigator.sendBeacon) { return false; }
    var data = new FormData(form);
    Object.keys(extra || {}).forEach(function (name) { data.append(name, extra[name]); });
    return navigator.sendBeacon(form.getAttribute("data-autosave-url"), data);
  }

  if (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { leaving = true; });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt === form && event.detail.successful) { dirty = false; }
    });
    function saveOnLeave() {
      if (dirty && !leaving) {
        leaving = sendDraft();
      }
    }
    window.addEventListener("pagehide", saveOnLeave);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { saveOnLeave(); leaving = false; }
    });
    // Quick exit: save the draft and lock in one request, so the lock can't race the save.
    document.addEventListener("reflect:exit", function (event) {
      leaving = true;
      if (sendDraft({ lock_after: "1" })) { event.preventDefault(); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // The copy button appears only where the clipboard can be used.
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy")).textContent.trim();
      var status = button.parentNode.querySelector(".copy-status");
      navigator.clipboard.writeText(text).then(function () {
        if (status) { status.textContent = "Copied."; }
      }, function () {
        if (status) { status.textContent = "Copying didn't work here. Please write the key down instead."; }
      });
    });
  });

  // Lock after a while with no activity, on screen as well as on the server.
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-lock-seconds"), 10);
  var lockUrl = body.getAttribute("data-lock-url");
  if (idleSeconds > 0 && lockUrl) {
    var timer;
    var lockNow = function () {
      document.documentElement.classList.add("exiting");
      if (!(dirty && sendDraft({ lock_after: "1" })) && navigator.sendBeacon) { navigator.sendBeacon(lockUrl); }
      window.location.replace(lockUrl.replace(/lock\/$/, "unlock/"));
    };
    var restart = function () {
      clearTimeout(timer);
      timer = setTimeout(lockNow, idleSeconds * 1000);
    };
    ["keydown", "pointerdown", "input", "scroll"].forEach(function (name) {
      window.addEventListener(name, restart, { passive: true, capture: true });
    });
    restart();
  }
}());
