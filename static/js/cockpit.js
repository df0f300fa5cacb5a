// Small behaviours htmx does not cover. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("htmx:responseError", (event) => {
  // A failed fragment request must not fail silently: show it where engine errors go.
  const banner = document.getElementById("engine-banner");
  if (banner) {
    banner.textContent = "";
    const box = document.createElement("div");
    box.className = "banner banner-error";
    box.setAttribute("role", "alert");
    box.textContent = `The request failed (${event.detail.xhr.status}). Reload the page and try again.`;
    banner.appendChild(box);
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
