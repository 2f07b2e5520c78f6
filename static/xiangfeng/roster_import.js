// The roster import's page while the worker checks or saves the sheet: ask for the progress every
// second, move the bar, and reload the page when the step has ended, to show its outcome.
(function () {
  "use strict";
  const bar = document.getElementById("roster-progress");
  if (!bar) {
    return;
  }
  const label = document.getElementById("roster-progress-label");
  function poll() {
    fetch(bar.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (progress) {
        if (progress.state !== bar.dataset.state) {
          window.location.reload();
          return;
        }
        if (progress.total) {
          bar.max = progress.total;
          bar.value = progress.done;
        }
        label.textContent = progress.label;
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1000);
})();
