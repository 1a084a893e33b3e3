/* Qualification: the feedback bar chart. Data comes from a json_script element (CSP: no inline JS). */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source) { return; }
    var values;
    try { values = JSON.parse(source.textContent); } catch (e) { return; }
    var labels = (canvas.dataset.chartLabels || "1|2|3|4|5").split("|");
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ label: canvas.dataset.chartLabel || "", data: values, backgroundColor: "#0b4f6c" }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
