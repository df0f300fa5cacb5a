// Draws one BPMN diagram the same way on every page: as tall as the process's shape asks (within
// bounds), fitted to it, with zoom and fit buttons, and badges placed where they cover no label.
// The page scripts (instance.js, migration.js) mark and click on the viewer this returns.
(() => {
  if (!window.BpmnJS) return;

  const PAD = 30; // diagram units around the process, so the outermost shapes do not touch the edge
  const MIN_HEIGHT = 220;
  const MAX_HEIGHT = () => Math.max(MIN_HEIGHT, Math.min(640, window.innerHeight * 0.7));
  const ZOOM_STEP = 1.25;
  const ZOOM_RANGE = [0.2, 4];

  // The whole process in view, centred; never enlarged beyond its own size (a small one stays small).
  function fit(canvas) {
    const { inner, outer } = canvas.viewbox();
    if (!inner.width || !inner.height) return;
    const width = inner.width + 2 * PAD;
    const height = inner.height + 2 * PAD;
    const scale = Math.min(1, outer.width / width, outer.height / height);
    const shown = { width: outer.width / scale, height: outer.height / scale };
    canvas.viewbox({
      x: inner.x - (shown.width - inner.width) / 2,
      y: inner.y - (shown.height - inner.height) / 2,
      ...shown,
    });
  }

  // The height the process's proportions ask for at the container's width, within bounds: a long thin
  // process gets no empty band under it, a tall one no sliver.
  function size(container, canvas) {
    const { inner } = canvas.viewbox();
    if (!inner.width) return;
    const width = container.clientWidth;
    const natural = Math.min(1, width / (inner.width + 2 * PAD)) * (inner.height + 2 * PAD);
    container.style.height = `${Math.round(Math.min(MAX_HEIGHT(), Math.max(MIN_HEIGHT, natural)))}px`;
    canvas.resized();
  }

  function controls(container, canvas) {
    const panel = container.closest("[aria-label]");
    const bar = document.createElement("div");
    bar.className = "diagram-controls";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `${(panel && panel.getAttribute("aria-label")) || "Diagram"} zoom`);
    const zoomBy = (factor) => {
      const [low, high] = ZOOM_RANGE;
      canvas.zoom(Math.min(high, Math.max(low, canvas.zoom() * factor)), "auto");
    };
    for (const [text, name, act] of [
      ["+", "Zoom in", () => zoomBy(ZOOM_STEP)],
      ["−", "Zoom out", () => zoomBy(1 / ZOOM_STEP)],
      ["Fit", "Fit the whole process in view", () => fit(canvas)],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "outline secondary";
      button.textContent = text;
      button.setAttribute("aria-label", name);
      button.title = name;
      button.addEventListener("click", act);
      bar.append(button);
    }
    container.before(bar);
  }

  async function draw(container) {
    const viewer = new window.BpmnJS({ container });
    const answer = await fetch(container.dataset.xmlUrl);
    if (!answer.ok) throw new Error(`the engine answered with an error (${answer.status})`);
    await viewer.importXML(await answer.text());
    const canvas = viewer.get("canvas");
    size(container, canvas);
    fit(canvas);
    controls(container, canvas);
    // The contract for scripts that draw their own overlays (heatmap, durations): imported and fitted.
    document.dispatchEvent(new CustomEvent("cockpit:diagram-ready", { detail: { viewer, container } }));
    return viewer;
  }

  function badge(text, className, label) {
    const element = document.createElement("span");
    element.className = `diagram-badge ${className}`;
    element.textContent = text;
    element.title = label;
    return element;
  }

  const overlapping = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  // Badges go just outside their shape (a task's own name is inside it), at the first place where they
  // cover no label, no badge placed before them and no other script's overlay: above, then beside, then
  // below.
  function placeBadges(viewer, container, type, badges) {
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    const scale = viewer.get("canvas").zoom();
    const taken = [...container.querySelectorAll("svg text, .djs-overlay")]
      .map((each) => each.getBoundingClientRect())
      .filter((rect) => rect.width && rect.height);
    const GAP = 3;
    for (const { elementId, html } of badges) {
      const shape = registry.get(elementId);
      if (!shape) continue;
      let id = overlays.add(elementId, type, { position: { top: 0, left: 0 }, html });
      const first = html.getBoundingClientRect();
      const [w, h] = [first.width / scale, first.height / scale];
      const places = [
        { top: -h - GAP, left: 0 },
        { top: -h - GAP, left: shape.width - w },
        { top: -h - GAP, left: (shape.width - w) / 2 },
        { top: 0, left: -w - GAP },
        { top: 0, left: shape.width + GAP },
        { top: shape.height - h, left: -w - GAP },
        { top: shape.height - h, left: shape.width + GAP },
        { top: shape.height + GAP, left: shape.width - w },
        { top: shape.height + GAP, left: 0 },
      ];
      for (const [index, position] of places.entries()) {
        overlays.remove(id);
        id = overlays.add(elementId, type, { position, html });
        const rect = html.getBoundingClientRect();
        if (!taken.some((other) => overlapping(rect, other)) || index === places.length - 1) {
          taken.push(rect);
          break;
        }
      }
    }
  }

  window.cockpitDiagram = { draw, fit, badge, placeBadges };
})();
