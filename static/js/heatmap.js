// Heat on a diagram: each activity tinted by its share of the hottest (how often it ran, or how long it
// took), with the figure beside it; and on an instance's diagram, how long each of its activities took.
// Drawn on the viewer instance.js announces ("cockpit:diagram-ready"), from the JSON the page holds:
// #heatmap-data's data-drawn ({activities: {id: {heat, label}}}), which the heatmap section brings anew
// with each window (the instance page's durations bring theirs the same way).
(() => {
  let viewer = null;

  function data() {
    const holder = document.getElementById("heatmap-data");
    if (!holder) return null;
    try {
      return JSON.parse(holder.dataset.drawn);
    } catch {
      return null;
    }
  }

  function draw() {
    if (!viewer) return;
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    overlays.remove({ type: "heatmap" });
    const container = viewer.get("canvas").getContainer().closest(".diagram") || document.getElementById("diagram");
    const found = data();
    if (container) container.dataset.heatmap = found ? "drawn" : "none";
    if (!found) return;
    for (const [id, { heat, label }] of Object.entries(found.activities || {})) {
      const element = registry.get(id);
      if (!element || element.waypoints) continue;
      const tint = document.createElement("div");
      tint.className = "heat";
      tint.dataset.heatActivity = id;
      // Styles through the CSSOM: the page's CSP allows no inline style attributes.
      tint.style.width = `${element.width}px`;
      tint.style.height = `${element.height}px`;
      tint.style.opacity = String(0.15 + 0.6 * Math.max(0, Math.min(1, Number(heat) || 0)));
      overlays.add(id, "heatmap", { position: { top: 0, left: 0 }, html: tint });
      const figure = document.createElement("span");
      figure.className = "heat-label";
      figure.dataset.heatActivity = id;
      figure.textContent = label; // text, never markup: the labels are built from engine data
      overlays.add(id, "heatmap", { position: { top: -18, left: 0 }, html: figure });
    }
  }

  document.addEventListener("cockpit:diagram-ready", (event) => {
    viewer = event.detail && event.detail.viewer;
    draw();
  });
  // Each window or measure chosen brings the section, and its data, again.
  // (htmx:load: fired by the new content itself, so it reaches here even when its slot was replaced.)
  document.addEventListener("htmx:load", (event) => {
    if (event.target.id === "heatmap-data" || event.target.querySelector?.("#heatmap-data")) draw();
  });
})();
