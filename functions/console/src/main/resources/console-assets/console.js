// The console's only script of its own: htmx requests carry the session's CSRF token, and each
// period history is drawn with uPlot from the numbers its element carries (no inline script: CSP).
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  function numbers(text) {
    return text ? text.split(",").map(Number) : [];
  }

  function draw(element) {
    if (typeof uPlot === "undefined" || element.dataset.drawn) {
      return;
    }
    var xs = numbers(element.dataset.xs);
    var ys = numbers(element.dataset.ys);
    if (xs.length === 0) {
      return;
    }
    element.dataset.drawn = "true";
    var width = Math.max(320, Math.min(element.clientWidth || 640, 960));
    new uPlot({
      width: width,
      height: 220,
      series: [{}, { label: element.dataset.entitlement, stroke: "#3949ab", width: 2, fill: "rgba(57,73,171,0.12)" }],
      axes: [{}, { size: 70 }],
      scales: { x: { time: true } }
    }, [xs, ys], element);
  }

  function drawAll() {
    document.querySelectorAll(".chart[data-xs]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
