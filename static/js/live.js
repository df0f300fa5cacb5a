// Live refresh: a page region that redraws itself from the server while its switch is on.
// The region is fetched as the whole page and swapped by id, so each view draws it one way only.
// Nothing the person is doing is lost: while they type in the region the refresh waits, ticked
// boxes stay ticked, open folds stay open, and scroll positions stay where they were.
(() => {
  const KEY = "cockpit-live:";

  function regionsOf(toggle) {
    return toggle.dataset.liveRegions.split(" ").map((id) => document.getElementById(id)).filter(Boolean);
  }

  const TYPING = "textarea, select, input:not([type=checkbox]):not([type=radio]):not([type=hidden])";

  // What the person typed or chose themselves (the page's own scripts also set fields: those are
  // the page's state, kept across a redraw, not the person's unsent input).
  document.addEventListener("input", markEdited, true);
  document.addEventListener("change", markEdited, true);
  function markEdited(event) {
    if (event.isTrusted && event.target.matches && event.target.matches(TYPING)) {
      event.target.dataset.liveEdited = "true";
    }
  }

  function editing(region) {
    const active = document.activeElement;
    if (active && region.contains(active) && active.matches(TYPING)) return true;
    return region.querySelector("[data-live-edited]") !== null;
  }

  function kept(region) {
    const ticked = new Set(
      [...region.querySelectorAll("input[type=checkbox]:checked, input[type=radio]:checked")].map(
        (box) => `${box.name}=${box.value}`,
      ),
    );
    const open = new Set([...region.querySelectorAll("details[open][id]")].map((fold) => fold.id));
    const scrolled = [...region.querySelectorAll("[id]")]
      .filter((element) => element.scrollTop || element.scrollLeft)
      .map((element) => [element.id, element.scrollTop, element.scrollLeft]);
    const chosen = [...region.querySelectorAll("select[name]")].map((field) => [field.name, field.value]);
    return { ticked, open, scrolled, chosen };
  }

  function restore(region, { ticked, open, scrolled, chosen }) {
    for (const box of region.querySelectorAll("input[type=checkbox], input[type=radio]")) {
      const was = ticked.has(`${box.name}=${box.value}`);
      if (box.checked !== was) {
        box.checked = was;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    for (const [name, value] of chosen) {
      const field = region.querySelector(`select[name="${CSS.escape(name)}"]`);
      if (field && field.value !== value && [...field.options].some((option) => option.value === value)) {
        field.value = value;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    for (const id of open) document.getElementById(id)?.setAttribute("open", "");
    for (const [id, top, left] of scrolled) {
      const element = document.getElementById(id);
      if (element) element.scrollTo(left, top);
    }
  }

  function say(toggle, text) {
    const status = toggle.querySelector(".live-status");
    if (status) status.textContent = text;
  }

  async function refresh(toggle) {
    const regions = regionsOf(toggle);
    if (regions.some(editing)) {
      say(toggle, "Paused while you edit: saving or leaving the field lets it go on.");
      return;
    }
    let page;
    try {
      const answer = await fetch(window.location.href, { headers: { Accept: "text/html" } });
      if (!answer.ok) throw new Error(`the server answered ${answer.status}`);
      page = new DOMParser().parseFromString(await answer.text(), "text/html");
    } catch (error) {
      say(toggle, `Not updated: ${error.message}. Trying again shortly.`);
      return;
    }
    const [pageLeft, pageTop] = [window.scrollX, window.scrollY];
    for (const region of regionsOf(toggle)) {
      if (editing(region)) continue; // they started typing while the page was on its way
      const fresh = page.getElementById(region.id);
      if (!fresh) continue;
      const state = kept(region);
      region.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
      restore(fresh, state);
    }
    window.scrollTo(pageLeft, pageTop); // a region drawn anew may briefly be shorter than the old one
    const now = new Date();
    say(toggle, `Last updated ${now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}`);
    toggle.querySelector(".live-status")?.setAttribute("data-updated", now.toISOString());
  }

  function start(toggle) {
    const every = Math.max(1, Number(toggle.dataset.liveEvery) || 15) * 1000;
    const ticks = setInterval(() => {
      if (!document.hidden) refresh(toggle);
    }, every);
    toggle.dataset.liveTimer = String(ticks);
    say(toggle, "On: refreshes every " + every / 1000 + " s");
  }

  function stop(toggle) {
    clearInterval(Number(toggle.dataset.liveTimer));
    delete toggle.dataset.liveTimer;
    say(toggle, "");
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const toggle of document.querySelectorAll("[data-live-regions]")) {
      const switcher = toggle.querySelector("input.live-switch");
      const remembered = KEY + window.location.pathname;
      // Kept for this tab's visit to the page, so paging or filtering keeps it on.
      switcher.checked = sessionStorage.getItem(remembered) === "on";
      if (switcher.checked) start(toggle);
      switcher.addEventListener("change", () => {
        sessionStorage.setItem(remembered, switcher.checked ? "on" : "off");
        if (switcher.checked) start(toggle);
        else stop(toggle);
      });
    }
  });
})();
