// The instance page: the BPMN diagram with its markers, and choosing an activity from the
// diagram or the activity tree, which narrows the tree and the tabs to it.
(() => {
  const container = document.getElementById("diagram");
  if (!container || !window.cockpitDiagram) return;

  let viewer = null; // drawn below; nothing marks it before
  const { badge } = window.cockpitDiagram;
  const canvas = () => viewer.get("canvas");
  const overlays = () => viewer.get("overlays");
  const registry = () => viewer.get("elementRegistry");
  const MARKERS = ["taken", "active", "has-incident", "chosen"];
  let marked = [];

  // Multi-instance bodies carry their activity's id with a suffix; the diagram knows only the activity.
  const elementId = (activityId) => activityId.replace(/#multiInstanceBody$/, "");

  const chosenActivity = () => new URL(window.location.href).searchParams.get("activity") || "";

  function mark(state) {
    for (const [id, marker] of marked) canvas().removeMarker(id, marker);
    marked = [];
    overlays().remove({ type: "cockpit" });
    const add = (activityId, marker) => {
      const id = elementId(activityId);
      if (!registry().get(id)) return false;
      canvas().addMarker(id, marker);
      marked.push([id, marker]);
      return true;
    };
    const badges = [];
    for (const id of state.taken) add(id, "taken");
    for (const [id, count] of Object.entries(state.active)) {
      if (add(id, "active")) {
        badges.push({ elementId: elementId(id), html: badge(String(count), "badge-active", `${count} active`) });
      }
    }
    for (const [id, count] of Object.entries(state.incidents)) {
      if (add(id, "has-incident")) {
        const label = `${count} incident${count === 1 ? "" : "s"}`;
        badges.push({ elementId: elementId(id), html: badge(String(count), "badge-incident", label) });
      }
    }
    for (const [id, count] of Object.entries(state.tasks || {})) {
      const label = `${count} open user task${count === 1 ? "" : "s"}`;
      badges.push({ elementId: elementId(id), html: badge(String(count), "badge-task", label) });
    }
    // A call activity leads to what it called (an instance, or on a definition's page a definition).
    for (const [id, link] of Object.entries(state.links || {})) {
      const element = registry().get(elementId(id));
      if (!element) continue;
      const anchor = document.createElement("a");
      anchor.className = "diagram-badge badge-link";
      anchor.href = link.href;
      anchor.textContent = `${link.text} ↘`;
      anchor.setAttribute("aria-label", `${link.text} of ${element.businessObject.name || element.id}`);
      badges.push({ elementId: element.id, html: anchor });
    }
    window.cockpitDiagram.placeBadges(viewer, container, "cockpit", badges);
    const chosen = chosenActivity();
    if (chosen) add(chosen, "chosen");
    container.dataset.state = JSON.stringify(state);
    container.dispatchEvent(new CustomEvent("diagram-marked", { bubbles: true }));
  }

  async function refresh() {
    if (!container.dataset.stateUrl) return;
    const failed = container.parentElement.querySelector(".diagram-failed");
    const response = await fetch(container.dataset.stateUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const state = await response.json();
      // Ended meanwhile (a retry let it finish): from now on only its history is asked for.
      if (state.ended) container.dataset.stateUrl = container.dataset.stateUrl.split("?")[0] + "?ended=1";
      mark(state);
      if (failed) failed.hidden = true;
    } else if (failed) {
      // The diagram stays; only its markers are missing, and the page says so instead of showing none.
      failed.textContent = "The tokens and incidents could not be loaded (the engine answered with an error); reload to try again.";
      failed.hidden = false;
    }
  }

  // The modification wizard's preview: what its plan cancels and starts.
  let previewed = [];
  function markPreview() {
    for (const [id, marker] of previewed) canvas().removeMarker(id, marker);
    previewed = [];
    const preview = document.querySelector("#preview[data-diagram]");
    if (!preview) return;
    const plan = JSON.parse(preview.dataset.diagram);
    for (const [marker, ids] of [["will-cancel", plan.cancel], ["will-start", plan.start]]) {
      for (const id of ids) {
        if (!registry().get(id)) continue;
        canvas().addMarker(id, marker);
        previewed.push([id, marker]);
      }
    }
  }

  // In the wizard, a click on the diagram fills the next instruction's activity or sequence flow.
  function pick(element) {
    const field = (name) => document.querySelector(`[name="add-${name}"]`);
    const set = (select, value) => {
      if (select && [...select.options].some((option) => option.value === value)) {
        select.value = value;
        return true;
      }
      return false;
    };
    if (element.waypoints) {
      if (set(field("transition_id"), element.id)) set(field("kind"), "startTransition");
    } else if (set(field("activity_id"), element.id) && field("kind").value === "startTransition") {
      set(field("kind"), "startBeforeActivity");
    }
  }
  document.body.addEventListener("htmx:afterSettle", () => {
    if (container.dataset.ready === "true") markPreview();
  });

  // Choosing an activity: the URL names it (shareable), the tree and the tab panel load again for it.
  function choose(activityId) {
    const url = new URL(window.location.href);
    if (!activityId || url.searchParams.get("activity") === activityId) url.searchParams.delete("activity");
    else url.searchParams.set("activity", activityId);
    window.history.pushState({}, "", url);
    document.body.dispatchEvent(new CustomEvent("activity-chosen"));
    refresh();
  }

  // Requests of the parts that follow the chosen activity carry it.
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (!event.detail.elt.closest("[data-activity-scoped]")) return;
    const chosen = chosenActivity();
    if (chosen) event.detail.parameters.activity = chosen;
    else delete event.detail.parameters.activity;
  });
  document.body.addEventListener("instance-changed", refresh);
  window.addEventListener("popstate", () => {
    document.body.dispatchEvent(new CustomEvent("activity-chosen"));
    refresh();
  });
  document.body.addEventListener("click", (event) => {
    const node = event.target.closest(".tree-node");
    if (!node) return;
    event.preventDefault(); // a node inside a <summary> must not fold its subtree
    choose(node.dataset.activityId);
  });

  (async () => {
    try {
      viewer = await window.cockpitDiagram.draw(container);
      viewer.on("element.click", (event) => {
        const element = event.element;
        if (!element || element.type === "bpmn:Process" || element.type === "label") return;
        if (container.dataset.pick) pick(element);
        else if (!element.waypoints) choose(element.id);
      });
      await refresh();
      markPreview();
      container.dataset.ready = "true";
    } catch (error) {
      container.textContent = `The diagram could not be drawn: ${error.message || error}`;
      container.dataset.ready = "failed";
    }
  })();
})();
