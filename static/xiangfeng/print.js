// Buttons marked data-print print the page. No inline onclick: the Content-Security-Policy lets
// scripts come from the site's own files only.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
