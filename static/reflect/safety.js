/* Quick exit: hide first, then lock and leave, leaving as little behind as we can.
   The link works without this script; this only makes it faster and adds the shortcut.
   Every page loads this, so the idle lock lives here too. */
(function () {
  "use strict";

  // Sends `body` to `url`, then calls `then`: as soon as the server answers, or after a short wait.
  // A request that must outlive the page (keepalive) may carry at most 64 KiB; a bigger one is
  // sent plainly and waited for longer. If it can't be sent, `fallbackUrl` locks without it.
  function sendThen(url, body, fallbackUrl, then) {
    var gone = false;
    var leave = function () {
      if (!gone) { gone = true; then(); }
    };
    var lockWithoutIt = function () {
      if (navigator.sendBeacon) { navigator.sendBeacon(fallbackUrl); }
      leave();
    };
    var post = function (keepalive) {
      return fetch(url, { method: "POST", body: body, keepalive: keepalive, credentials: "same-origin",
        cache: "no-store", referrerPolicy: "no-referrer" });
    };
    var answered = function (response) {
      if (response.ok) { leave(); } else { lockWithoutIt(); }
    };
    var deadline = setTimeout(leave, 800);  // the keepalive request goes on after we leave
    post(true).then(answered, function () {
      clearTimeout(deadline);
      deadline = setTimeout(lockWithoutIt, 3000);  // a plain request stops when we leave
      post(false).then(answered, lockWithoutIt);
    });
  }

  // Lock after a while with no activity, on screen as well as on the server, on every page opened
  // while the journal is unlocked. A writing page fills in `lock` with its draft and where to send
  // it (journal.js), as it does for quick exit.
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-lock-seconds"), 10);
  var lockUrl = body.getAttribute("data-lock-url");
  if (idleSeconds > 0 && lockUrl) {
    var idleTimer;
    var lockNow = function () {
      document.documentElement.classList.add("exiting");
      var lock = { url: lockUrl, body: null };
      document.dispatchEvent(new CustomEvent("reflect:idle-lock", { detail: lock }));
      sendThen(lock.url, lock.body, lockUrl, function () {
        window.location.replace(body.getAttribute("data-unlock-url"));
      });
    };
    var restart = function () {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(lockNow, idleSeconds * 1000);
    };
    ["keydown", "pointerdown", "input", "scroll"].forEach(function (name) {
      window.addEventListener(name, restart, { passive: true, capture: true });
    });
    restart();
  }

  var button = document.getElementById("quick-exit");
  if (!button) { return; }
  var exitUrl = button.getAttribute("data-exit-url") || button.href;
  var leaveUrl = button.getAttribute("data-leave-url");
  var status = document.getElementById("quick-exit-status");

  function hide() {
    document.documentElement.classList.add("exiting");
    document.title = "";
  }

  // Hide at once; lock (and keep a draft) on the server; then replace this page in the history.
  // A writing page fills in `exit` with its draft and where to send it (journal.js).
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    hide();
    var exit = { url: leaveUrl, body: null };
    document.dispatchEvent(new CustomEvent("reflect:exit", { detail: exit }));
    sendThen(exit.url, exit.body, leaveUrl, function () { window.location.replace(exitUrl); });
  }

  button.addEventListener("click", quickExit);

  // Shift pressed three times in a row. A Shift held for a capital letter does not count,
  // and left and right Shift count alike.
  var SHIFTS_NEEDED = 3;
  var WINDOW_MS = 5000;
  var presses = 0;
  var firstPressAt = 0;
  var otherKeySinceShiftDown = false;

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  function reset() {
    if (presses > 0) { announce(""); }
    presses = 0;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      otherKeySinceShiftDown = false;
    } else {
      otherKeySinceShiftDown = true;
      reset();
    }
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || otherKeySinceShiftDown) { return; }
    var now = Date.now();
    if (presses === 0 || now - firstPressAt > WINDOW_MS) {
      presses = 0;
      firstPressAt = now;
    }
    presses += 1;
    if (presses >= SHIFTS_NEEDED) {
      presses = 0;
      quickExit();
      return;
    }
    var left = SHIFTS_NEEDED - presses;
    announce("Shift pressed " + presses + (presses === 1 ? " time" : " times") +
      ". Press it " + left + " more " + (left === 1 ? "time" : "times") + " to leave this page.");
  }, true);

  // A page brought back from the back/forward cache after an exit stays blank and leaves again;
  // a journal page (rendered while unlocked) is hidden and asked for again, so the server decides.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    if (document.documentElement.classList.contains("exiting")) {
      window.location.replace(exitUrl);
    } else if (document.body.hasAttribute("data-idle-lock-seconds")) {
      hide();
      window.location.reload();
    }
  });

  // Leave no trace: links inside Reflect replace the current history entry instead of adding one.
  if (document.body.hasAttribute("data-no-trace")) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 ||
          event.metaKey || event.ctrlKey || event.shiftKey || event.altKey ||
          link.target || link.hasAttribute("download") || link.origin !== window.location.origin) {
        return;
      }
      event.preventDefault();
      window.location.replace(link.href);
    });
  }
}());
