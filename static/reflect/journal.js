/* Journal: keep drafts safe when a page is left in a hurry, the time box, and print and copy buttons.
   Only pages with one of these load it; the idle lock lives in safety.js, on every page.
   Everything here is an extra: without JavaScript, writing and saving work as plain forms. */
(function () {
  "use strict";

  var form = document.getElementById("entry-form");
  // A request sent as a page closes may carry 64 KiB in all; leave room for the other fields.
  var WHOLE_TEXT_BYTES = 56000;
  // Unsaved changes this big are saved at once instead of after the pause in typing.
  var SAVE_SOON_BYTES = 16000;

  function utf8Bytes(text) { return new Blob([text]).size; }

  var CRC_TABLE = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) { c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1; }
      table[n] = c >>> 0;
    }
    return table;
  }());

  // CRC-32 of the UTF-16 code units (little-endian), as reflect/journal/drafts.py computes it.
  function checksum(text) {
    var crc = 0xFFFFFFFF;
    for (var i = 0; i < text.length; i++) {
      var unit = text.charCodeAt(i);
      crc = CRC_TABLE[(crc ^ unit) & 0xFF] ^ (crc >>> 8);
      crc = CRC_TABLE[(crc ^ (unit >>> 8)) & 0xFF] ^ (crc >>> 8);
    }
    return (crc ^ 0xFFFFFFFF) >>> 0;
  }

  function codePoints(text) { return Array.from(text).length; }
  function isHighSurrogate(unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
  function isLowSurrogate(unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

  // What changed between the saved text and the text now: the same start, the same end, and
  // what lies between. Counted in characters (code points), as Python counts them.
  function spliceOf(saved, text) {
    var shortest = Math.min(saved.length, text.length);
    var start = 0;
    while (start < shortest && saved.charCodeAt(start) === text.charCodeAt(start)) { start++; }
    if (start > 0 && isHighSurrogate(saved.charCodeAt(start - 1))) { start--; }
    var end = 0;
    while (end < shortest - start &&
           saved.charCodeAt(saved.length - 1 - end) === text.charCodeAt(text.length - 1 - end)) { end++; }
    if (end > 0 && isLowSurrogate(saved.charCodeAt(saved.length - end))) { end--; }
    return {
      start: codePoints(saved.slice(0, start)),
      end: codePoints(saved.slice(saved.length - end)),
      text: text.slice(start, text.length - end)
    };
  }

  // Keeps the writing page's draft on the server: htmx saves it after a pause in typing; this
  // saves it as the page is left, and hands it to quick exit and the idle lock.
  function keepDrafts(form) {
    var textBox = form.elements.text;
    var unsure = form.hasAttribute("data-unsaved");  // a form sent back with a problem
    var savedText = unsure ? null : textBox.value;  // what the server holds, or null if we can't be sure
    var savedState = unsure ? null : state();
    var sending = null;
    var leaving = false;

    function state() {
      return [textBox.value, form.elements.title.value, form.elements.distress_before.value,
        form.elements.distress_after.value].join("\u0000");
    }

    // The form's fields, with the text sent whole when it is small enough to go out as the page
    // closes, and otherwise as only what changed since the last save.
    function body() {
      var data = new FormData(form);
      var text = textBox.value;
      if (savedText !== null && utf8Bytes(text) > WHOLE_TEXT_BYTES) {
        var change = spliceOf(savedText, text);
        data.delete("text");
        data.append("splice_start", change.start);
        data.append("splice_end", change.end);
        data.append("splice_text", change.text);
        data.append("splice_base_length", codePoints(savedText));
        data.append("splice_base_checksum", checksum(savedText));
      }
      return data;
    }

    form.addEventListener("submit", function () { leaving = true; });
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt === form) { sending = { text: textBox.value, state: state() }; }
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt === form && event.detail.successful && sending) {
        savedText = sending.text;
        savedState = sending.state;
      }
    });
    form.addEventListener("input", function () {
      var unsaved = savedText === null ? textBox.value : spliceOf(savedText, textBox.value).text;
      if (utf8Bytes(unsaved) > SAVE_SOON_BYTES) { form.dispatchEvent(new Event("save-now")); }
    });
    if (unsure) { form.dispatchEvent(new Event("save-now")); }

    function saveOnLeave() {
      if (!leaving && state() !== savedState && navigator.sendBeacon) {
        navigator.sendBeacon(form.getAttribute("data-autosave-url"), body());
      }
    }
    window.addEventListener("pagehide", saveOnLeave);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { saveOnLeave(); }
    });
    // Quick exit and the idle lock (safety.js): the draft goes with the lock, in one request, so
    // the lock can't overtake it.
    document.addEventListener("reflect:exit", function (event) {
      leaving = true;
      event.detail.url = form.getAttribute("data-leave-url");
      event.detail.body = body();
    });
    document.addEventListener("reflect:idle-lock", function (event) {
      leaving = true;
      event.detail.url = form.getAttribute("data-lock-url");
      event.detail.body = body();
    });
  }

  if (form) { keepDrafts(form); }

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

  // The writing page's time box: if a person asks, a quiet note once the minutes have passed.
  // Nothing takes focus, pops up or makes a sound, so typing carries on undisturbed.
  Array.prototype.forEach.call(document.querySelectorAll("[data-time-box]"), function (button) {
    var minutes = parseInt(button.getAttribute("data-time-box"), 10);
    var status = document.getElementById(button.getAttribute("aria-controls"));
    var timer = null;
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      clearTimeout(timer);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      status.textContent = on ? button.getAttribute("data-time-box-waiting") : "";
      timer = on ? setTimeout(function () {
        button.setAttribute("aria-pressed", "false");
        status.textContent = button.getAttribute("data-time-box-done");
      }, minutes * 60 * 1000) : null;
    });
  });
}());
