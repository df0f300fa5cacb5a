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
