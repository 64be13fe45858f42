/* 工作看板: draws each chart with ECharts from the page's json_script data (no inline script: CSP).
   A click on a bar, a point or a slice opens the records it counts; "导出图片" downloads the chart as PNG;
   before printing, each chart is replaced by a picture of itself so that it fits the A4 page. */
(function () {
  "use strict";

  var COLORS = ["#b71c1c", "#1565c0", "#f9a825", "#2e7d32", "#6a1b9a", "#00838f", "#ef6c00", "#5d4037"];
  var charts = {};

  function axisOption(chart) {
    var units = chart.axis_units.length ? chart.axis_units : [chart.unit];
    return units.map(function (unit, index) {
      var axis = { type: "value", name: unit, minInterval: 1, splitLine: { show: index === 0 } };
      if (chart.unit === "%") {
        axis.max = 100;
        axis.minInterval = 0;
        axis.axisLabel = { formatter: "{value}%" };
      }
      return axis;
    });
  }

  function pieOption(chart) {
    var series = chart.series[0];
    return {
      color: COLORS,
      animation: false,
      tooltip: { trigger: "item", formatter: "{b}：{c}" + chart.unit + "（{d}%）" },
      legend: { bottom: 0 },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        label: { formatter: "{b}\n{c}" + chart.unit },
        data: chart.categories.map(function (name, i) { return { name: name, value: series.data[i] }; })
      }]
    };
  }

  function cartesianOption(chart) {
    return {
      color: COLORS,
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, rotate: chart.categories.length > 8 ? 40 : 0 } },
      yAxis: axisOption(chart),
      series: chart.series.map(function (series) {
        return {
          name: series.name,
          type: series.kind === "line" ? "line" : "bar",
          yAxisIndex: series.axis,
          connectNulls: false,
          label: { show: chart.series.length === 1, position: "top" },
          data: series.data
        };
      })
    };
  }

  function openRecords(chart, params) {
    var series = chart.series[chart.series.length > 1 ? params.seriesIndex : 0];
    var link = series && series.links && series.links[params.dataIndex];
    if (link) { window.location.href = link; }
  }

  function draw(element, chart) {
    var instance = echarts.init(element, null, { renderer: "canvas" });
    var pie = chart.series.length === 1 && chart.series[0].kind === "pie";
    instance.setOption(pie ? pieOption(chart) : cartesianOption(chart));
    instance.on("click", function (params) { openRecords(chart, params); });
    charts[chart.key] = instance;
  }

  function pictureOf(key) {
    return charts[key].getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
  }

  function exportPng(key, title) {
    var link = document.createElement("a");
    link.href = pictureOf(key);
    link.download = (title || key) + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function beforePrint() {
    Object.keys(charts).forEach(function (key) {
      var element = document.getElementById("chart-" + key);
      var image = element.nextElementSibling;
      if (!image || !image.classList.contains("dj-chart-print")) {
        image = document.createElement("img");
        image.className = "dj-chart-print";
        image.alt = element.getAttribute("aria-label");
        element.parentNode.insertBefore(image, element.nextSibling);
      }
      image.src = pictureOf(key);
    });
  }

  function start() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = data[element.dataset.chart];
      if (chart) { draw(element, chart); }
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-export-png]");
      if (!button) { return; }
      var key = button.dataset.exportPng;
      if (charts[key]) { exportPng(key, data[key].title); }
    });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (key) { charts[key].resize(); });
    });
    window.addEventListener("beforeprint", beforePrint);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      if (print.addEventListener) {
        print.addEventListener("change", function (event) { if (event.matches) { beforePrint(); } });
      }
    }
    document.documentElement.dataset.chartsReady = Object.keys(charts).length;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
