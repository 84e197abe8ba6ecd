/* Quick exit: hide first, then lock and leave, leaving as little behind as we can.
   The link works without this script; this only makes it faster and adds the shortcut. */
(function () {
  "use strict";

  var button = document.getElementById("quick-exit");
  if (!button) { return; }
  var exitUrl = button.getAttribute("data-exit-url") || button.href;
  var lockUrl = button.getAttribute("data-lock-url");
  var status = document.getElementById("quick-exit-status");

  function hide() {
    document.documentElement.classList.add("exiting");
    document.title = "";
  }

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    hide();
    // The journal page sends its draft and the lock together; it cancels this event to say so.
    var handled = !document.dispatchEvent(new CustomEvent("reflect:exit", { cancelable: true }));
    if (!handled && lockUrl && navigator.sendBeacon) { navigator.sendBeacon(lockUrl); }
    window.location.replace(exitUrl);
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
