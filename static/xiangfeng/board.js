// The board on the hall's TV: each panel has the height the screen leaves it, and a list longer than
// that would show its last row cut in half. Show only the rows that fit whole; on a phone, where the
// panels grow with their lists, every row fits and nothing is hidden. Hiding rows in one panel moves
// the others (they share a column), so the rows are looked at again until none sticks out.
(function () {
  function overflowing(panel) {
    var bottom = panel.getBoundingClientRect().bottom - parseFloat(getComputedStyle(panel).borderBottomWidth);
    return Array.prototype.filter.call(panel.querySelectorAll("tbody tr"), function (row) {
      return !row.hidden && row.getBoundingClientRect().bottom > bottom + 0.5;
    });
  }
  function fit() {
    var panels = document.querySelectorAll(".board .panel");
    document.querySelectorAll(".board .panel tbody tr").forEach(function (row) { row.hidden = false; });
    for (var pass = 0; pass < 10; pass++) {
      var cut = [];
      panels.forEach(function (panel) { cut = cut.concat(overflowing(panel)); });
      if (!cut.length) { return; }
      cut.forEach(function (row) { row.hidden = true; });
    }
  }
  fit();
  window.addEventListener("resize", fit);
  if (document.fonts) { document.fonts.ready.then(fit); }
})();
