/* Charts of the participation-check report preview. Data comes from the json_script element
   #pc-chart-data; the same numbers are in tables on the page, so nothing depends on this. */
(function () {
  "use strict";
  var source = document.getElementById("pc-chart-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var rtl = document.documentElement.dir === "rtl";
  var blue = "#0b4f6c", orange = "#c45a00";

  function percentChart(canvas, series) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: data.text.percent, data: series.values, backgroundColor: blue }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang,
        scales: { x: { min: 0, max: 100, reverse: rtl, ticks: { callback: function (v) { return v + " %"; } } } },
        plugins: { legend: { display: false } }
      }
    });
  }

  function needsChart(canvas, series) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          { label: data.text.needs, data: series.needs, backgroundColor: blue },
          { label: data.text.barriers, data: series.barriers, backgroundColor: orange }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { beginAtZero: true, reverse: rtl, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom", rtl: rtl } }
      }
    });
  }

  document.querySelectorAll("canvas[data-pc-chart]").forEach(function (canvas) {
    var kind = canvas.dataset.pcChart;
    if (kind === "needs") { needsChart(canvas, data.needs); }
    else if (data[kind]) { percentChart(canvas, data[kind]); }
    canvas.dataset.pcReady = "1";
  });
})();
