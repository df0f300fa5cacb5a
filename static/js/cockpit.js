// Small behaviours htmx does not cover. No inline scripts anywhere: the CSP forbids them.

// A failed request from a form is said by that form, where the person is looking; the page's banner
// at the top is out of view once they scrolled down to a row's inline form.
function formErrorSlot(elt) {
  const form = elt && elt.closest ? elt.closest("form") : null;
  if (!form) return null;
  let slot = form.querySelector(".form-error-slot");
  if (!slot) {
    slot = document.createElement("div");
    slot.className = "form-error-slot";
    const button = form.querySelector('button[type="submit"], button:not([type])');
    if (button) button.before(slot);
    else form.append(slot);
  }
  return slot;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  // The engine's error, which the server aims at the page's banner: shown in the form instead.
  if (event.detail.xhr.getResponseHeader("HX-Retarget") !== "#engine-banner") return;
  const slot = formErrorSlot(event.detail.requestConfig && event.detail.requestConfig.elt);
  if (!slot) return;
  event.detail.target = slot;
  event.detail.swapOverride = "innerHTML";
});

document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target && event.detail.target.classList.contains("form-error-slot")) {
    event.detail.target.scrollIntoView({ block: "nearest" });
  }
});

document.addEventListener("htmx:responseError", (event) => {
  // A failed fragment request must not fail silently: said by its form, or where engine errors go.
  const slot = formErrorSlot(event.detail.elt) || document.getElementById("engine-banner");
  if (slot) {
    slot.textContent = "";
    const box = document.createElement("div");
    box.className = "banner banner-error";
    box.setAttribute("role", "alert");
    box.textContent = `The request failed (${event.detail.xhr.status}). Reload the page and try again.`;
    slot.appendChild(box);
    slot.scrollIntoView({ block: "nearest" });
  }
});

// Copy buttons: data-copy holds the text, or data-copy-url names where the whole (long) value is.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  let text = button.dataset.copy;
  if (text === undefined && button.dataset.copyUrl) {
    const response = await fetch(button.dataset.copyUrl);
    text = response.ok ? await response.text() : undefined;
  }
  if (text === undefined) return;
  try {
    await navigator.clipboard.writeText(text);
    button.dataset.copied = "true";
    button.title = "Copied";
  } catch {
    button.title = "The browser did not allow copying";
  }
});

// Rows marked data-row-link open what their first link points to, unless a control was clicked.
document.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-row-link]");
  if (!row || event.target.closest("a, button, input, select, label, textarea")) return;
  if (window.getSelection && String(window.getSelection())) return; // selecting text is not a click
  const link = row.querySelector("a[href]");
  if (link) window.location.assign(link.href);
});

// Dates are drawn by the server in the browser's time zone: tell it which one that is.
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Zone names (Area/City) are cookie-safe as they are; the server reads the cookie unquoted.
  const cookie = `tz=${zone}`;
  if (zone && /^[\w/+-]+$/.test(zone) && !document.cookie.split("; ").includes(cookie)) {
    document.cookie = `${cookie}; path=/; max-age=31536000; SameSite=Lax`;
  }
})();
