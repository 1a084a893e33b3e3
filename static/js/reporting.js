/* Reporting dashboard charts. Data comes from a json_script block; every chart has a table
   alternative on the page, so nothing here is needed to read the figures. */
(function () {
  "use strict";

  // Reports list: the "new report" button follows the chosen period.
  var select = document.querySelector("[data-report-period]");
  var link = document.querySelector("[data-report-new]");
  if (select && link) {
    select.addEventListener("change", function () { link.href = select.value; });
  }

  var source = document.getElementById("reporting-chart-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.animation = reduceMotion ? false : Chart.defaults.animation;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#212529";

  var statusColours = {
    reached: "#1e7b34", on_track: "#0b6e99", behind: "#b35c00", missed: "#b02a37", no_plan: "#6c757d"
  };
  var subprojectColours = {
    qualification: "#0b4f6c", mentoring: "#6f42c1", participation_check: "#b35c00",
    actionfund: "#1e7b34", volunteering: "#b02a37"
  };
  var locale = document.documentElement.lang || "de";
  // Long indicator names would push the bars aside; the axis shows a short form, the
  // tooltip and the table the full name.
  function shortLabel(value) {
    var label = this.getLabelForValue(value);
    return label.length > 34 ? label.slice(0, 33) + "…" : label;
  }
  var fmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

  // A dashed line at 100 % of the plan on the plan-vs-actual chart.
  var planLine = {
    id: "planLine",
    afterDatasetsDraw: function (chart) {
      var x = chart.scales.x.getPixelForValue(100);
      var ctx = chart.ctx;
      ctx.save();
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = "#212529";
      ctx.beginPath();
      ctx.moveTo(x, chart.chartArea.top);
      ctx.lineTo(x, chart.chartArea.bottom);
      ctx.stroke();
      ctx.restore();
    }
  };

  var plan = document.getElementById("chart-plan");
  if (plan && data.plan.length) {
    new Chart(plan, {
      type: "bar",
      data: {
        labels: data.plan.map(function (r) { return r.label; }),
        datasets: [{
          label: data.text.percent_of_plan,
          data: data.plan.map(function (r) { return r.percent; }),
          backgroundColor: data.plan.map(function (r) { return statusColours[r.status]; })
        }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {
          x: { beginAtZero: true, suggestedMax: 120, ticks: { callback: function (v) { return v + " %"; } } },
          y: { ticks: { callback: shortLabel } }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) {
            var row = data.plan[item.dataIndex];
            return fmt.format(row.percent) + " % · " + row.status_label;
          } } }
        }
      },
      plugins: [planLine]
    });
  }

  var districts = document.getElementById("chart-districts");
  if (districts && data.districts.length) {
    new Chart(districts, {
      type: "bar",
      data: {
        labels: data.districts.map(function (d) { return d.label; }),
        datasets: [{ label: data.text.organisations, data: data.districts.map(function (d) { return d.value; }),
                     backgroundColor: "#0b4f6c" }]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { callback: shortLabel } } },
        plugins: { legend: { display: false } }
      }
    });
  }

  var activity = document.getElementById("chart-activity");
  if (activity && data.activity.series.length) {
    new Chart(activity, {
      type: "bar",
      data: {
        labels: data.activity.months,
        datasets: data.activity.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: subprojectColours[s.subproject] || "#6c757d" };
        })
      },
      options: {
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 },
                  title: { display: true, text: data.text.activities } } }
      }
    });
  }
})();
