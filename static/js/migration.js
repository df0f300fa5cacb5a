// The migration wizard: the source diagram above the target one, the mapped activities marked and
// numbered like the plan's rows (a row under the pointer or focus lights its two ends), the source's
// waiting instances counted, and a click on an activity fills the next mapping's source (upper) or
// target (lower).
(() => {
  const containers = document.querySelectorAll(".migrate-page .diagram[data-xml-url]");
  const data = document.getElementById("migration-mapped");
  if (!containers.length || !data || !window.cockpitDiagram) return;
  const { badge, placeBadges } = window.cockpitDiagram;
  const mapped = JSON.parse(data.textContent);
  // Multi-instance bodies carry their activity's id with a suffix; the diagram knows only the activity.
  const elementId = (activityId) => activityId.replace(/#multiInstanceBody$/, "");
  const rows = [...document.querySelectorAll(".migration-plan li.instruction")];
  const drawn = {}; // side -> viewer

  // Instances of the source version waiting in each activity, as on the definition's page.
  async function counts(container) {
    if (!container.dataset.stateUrl) return {};
    const failed = container.parentElement.querySelector(".diagram-failed");
    const response = await fetch(container.dataset.stateUrl, { headers: { Accept: "application/json" } });
    if (response.ok) return (await response.json()).active || {};
    if (failed) {
      failed.textContent = "The instances waiting per activity could not be counted (the engine answered with an error).";
      failed.hidden = false;
    }
    return {};
  }

  function light(row, on) {
    const number = String(rows.indexOf(row) + 1);
    for (const [side, viewer] of Object.entries(drawn)) {
      const id = elementId(row.dataset[side] || "");
      if (!viewer.get("elementRegistry").get(id)) continue;
      if (on) viewer.get("canvas").addMarker(id, "mapping-lit");
      else viewer.get("canvas").removeMarker(id, "mapping-lit");
      const container = viewer.get("canvas").getContainer().closest(".diagram");
      for (const each of container.querySelectorAll(`.badge-mapping[data-number="${number}"]`)) {
        each.classList.toggle("lit", on);
      }
    }
  }
  for (const row of rows) {
    row.addEventListener("mouseenter", () => light(row, true));
    row.addEventListener("mouseleave", () => light(row, false));
    row.addEventListener("focusin", () => light(row, true));
    row.addEventListener("focusout", () => light(row, false));
  }

  for (const container of containers) {
    const side = container.dataset.side;
    const field = document.querySelector(`[name="add_${side}"]`);
    (async () => {
      try {
        const viewer = await window.cockpitDiagram.draw(container);
        const canvas = viewer.get("canvas");
        const registry = viewer.get("elementRegistry");
        drawn[side] = viewer;
        for (const id of mapped[side] || []) {
          if (registry.get(elementId(id))) canvas.addMarker(elementId(id), "mapped");
        }
        const badges = rows.map((row, index) => {
          const html = badge(String(index + 1), "badge-mapping", `Mapping ${index + 1}`);
          html.dataset.number = String(index + 1);
          return { elementId: elementId(row.dataset[side] || ""), html };
        });
        for (const [id, count] of Object.entries(await counts(container))) {
          const label = `${count} instance${count === 1 ? "" : "s"} waiting`;
          badges.push({ elementId: elementId(id), html: badge(String(count), "badge-active", label) });
        }
        placeBadges(viewer, container, "cockpit", badges);
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
