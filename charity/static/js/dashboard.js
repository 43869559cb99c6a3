/* The dashboard's charts: one bar chart per target, the plan's line marked, misses in red.
   Each chart saves itself as PNG through ECharts' getDataURL (no server, works offline). The
   tooltip is drawn on the canvas: ECharts' HTML tooltip writes inline styles, which the
   Content-Security-Policy refuses. */
(function () {
  "use strict";
  var box = document.getElementById("charts");
  var data = JSON.parse(box.dataset.charts);
  var labels = JSON.parse(box.dataset.labels);
  var charts = {};
  data.forEach(function (item) {
    var element = document.getElementById("chart-" + item.code);
    var chart = echarts.init(element, null, {renderer: "canvas"});
    var bars = item.values.map(function (value) {
      var miss = value !== null && (item.at_least ? value < item.target : value > item.target);
      return {value: value, itemStyle: {color: miss ? "#b3261e" : "#2e7d32"}};
    });
    chart.setOption({
      animation: false,
      title: {text: item.title, textStyle: {fontSize: 13}},
      grid: {left: 40, right: 10, top: 40, bottom: 60},
      tooltip: {trigger: "axis", renderMode: "richText"},
      xAxis: {type: "category", data: item.streets, axisLabel: {rotate: 45, fontSize: 10}},
      yAxis: {type: "value", name: item.unit},
      series: [{type: "bar", name: labels.value, data: bars,
                markLine: {symbol: "none", lineStyle: {color: "#555", type: "dashed"},
                           label: {formatter: labels.line + " " + item.target + item.unit},
                           data: [{yAxis: item.target}]}}]
    });
    charts[item.code] = chart;
  });
  document.querySelectorAll("button.png").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.getAttribute("data-code");
      var link = document.createElement("a");
      link.href = charts[code].getDataURL({type: "png", pixelRatio: 2, backgroundColor: "#fff"});
      link.download = "songtan-" + code + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (code) { charts[code].resize(); });
  });
  window.songtanCharts = charts;
})();
