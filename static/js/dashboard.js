// The dashboard's pictures (Chart.js): each chart's canvas carries its numbers as JSON in data-chart
// (htmx puts no script tags into the page); the legend or table beside it holds the same numbers
// and the real links.
(() => {
  // Colours come from the stylesheet's swatches, so legend and slices never disagree.
  const colour = (index) => {
    const probe = document.createElement("span");
    probe.className = `swatch swatch-${index}`;
    probe.hidden = true;
    document.body.append(probe);
    const found = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return found;
  };

  const doughnut = (canvas, data) =>
    new Chart(canvas, {
      type: "doughnut",
      data: {
        labels: data.slices.map((s) => s.label),
        datasets: [{ data: data.slices.map((s) => s.count), backgroundColor: data.slices.map((s) => colour(s.color)) }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        // A slice opens the list it counts, like its link in the legend.
        onClick: (_event, elements) => {
          if (elements.length) window.location.assign(data.slices[elements[0].index].href);
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });

  const bars = (canvas, data) =>
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((s) => ({ label: s.label, data: s.counts, backgroundColor: colour(s.color) })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });

  const draw = (root) => {
    if (typeof Chart === "undefined") return;
    for (const canvas of root.querySelectorAll("canvas[data-chart]")) {
      if (canvas.dataset.drawn) continue;
      const data = JSON.parse(canvas.dataset.chart);
      const chart = data.kind === "doughnut" ? doughnut(canvas, data) : bars(canvas, data);
      canvas.dataset.drawn = "true";
      canvas.chart = chart;
    }
  };

  // htmx:load fires on each fragment put into the page (an outerHTML swap's own target is gone by then).
  document.addEventListener("htmx:load", () => draw(document));
  document.addEventListener("DOMContentLoaded", () => draw(document));
})();
