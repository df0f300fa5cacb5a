// The migration wizard: the source diagram above the target one, the mapped activities marked,
// and a click on an activity fills the next mapping's source (upper) or target (lower).
(() => {
  const containers = document.querySelectorAll(".migrate-page .diagram[data-xml-url]");
  const data = document.getElementById("migration-mapped");
  if (!containers.length || !data || !window.cockpitDiagram) return;
  const mapped = JSON.parse(data.textContent);
  // Multi-instance bodies carry their activity's id with a suffix; the diagram knows only the activity.
  const elementId = (activityId) => activityId.replace(/#multiInstanceBody$/, "");

  for (const container of containers) {
    const side = container.dataset.side;
    const field = document.querySelector(`[name="add_${side}"]`);
    (async () => {
      try {
        const viewer = await window.cockpitDiagram.draw(container);
        const canvas = viewer.get("canvas");
        const registry = viewer.get("elementRegistry");
        for (const id of mapped[side] || []) {
          if (registry.get(elementId(id))) canvas.addMarker(elementId(id), "mapped");
        }
        let picked = null;
        viewer.on("element.click", (event) => {
          const element = event.element;
          if (!field || !element || element.waypoints || element.type === "label") return;
          if (![...field.options].some((option) => option.value === element.id)) return;
          field.value = element.id;
          if (picked) canvas.removeMarker(picked, "picked");
          canvas.addMarker(element.id, "picked");
          picked = element.id;
        });
        container.dataset.ready = "true";
      } catch (error) {
        container.textContent = `The diagram could not be drawn: ${error.message || error}`;
        container.dataset.ready = "failed";
      }
    })();
  }
})();
