// The counter's redemption form: the running total against the balance, the quantity buttons,
// and one idempotency key per place in the history (templates/exchange/household.html).
(function () {
  var form = document.getElementById("redeem");
  var balance = parseInt(document.getElementById("balance").dataset.balance, 10);
  var totalEl = document.getElementById("total"), overEl = document.getElementById("over");
  var confirmBtn = document.getElementById("confirm");
  var closed = confirmBtn.disabled;
  function update() {
    var total = 0, items = 0;
    form.querySelectorAll(".good").forEach(function (tile) {
      var input = tile.querySelector("input.q");
      var n = Math.max(0, parseInt(input.value, 10) || 0);
      total += n * parseInt(tile.dataset.price, 10);
      items += n;
      tile.classList.toggle("chosen", n > 0);
    });
    totalEl.textContent = total;
    overEl.hidden = total <= balance;
    confirmBtn.disabled = closed || items === 0 || total > balance;
  }
  form.querySelectorAll(".good").forEach(function (tile) {
    var input = tile.querySelector("input.q"), stock = parseInt(tile.dataset.stock, 10);
    tile.querySelectorAll("button").forEach(function (b) { b.hidden = input.disabled; });
    tile.querySelector(".inc").addEventListener("click", function () {
      input.value = Math.min(stock, (parseInt(input.value, 10) || 0) + 1); update();
    });
    tile.querySelector(".dec").addEventListener("click", function () {
      input.value = Math.max(0, (parseInt(input.value, 10) || 0) - 1); update();
    });
    input.addEventListener("input", update);
  });
  // The submission's key belongs to this page's place in the history, not to one download of
  // it: "back" to a form already sent may fetch the page afresh, with a new key, and sending it
  // again would then redeem twice. history.state survives that refetch; a new visit starts empty.
  var keyInput = form.querySelector("input[name=key]");
  var state = history.state || {};
  if (state.redemptionKey) {
    keyInput.value = state.redemptionKey;
  } else {
    history.replaceState(Object.assign({}, state, {redemptionKey: keyInput.value}), "");
  }
  // One tap is one redemption: the key makes a second submit harmless, and this makes it rare.
  form.addEventListener("submit", function () {
    setTimeout(function () { confirmBtn.disabled = true; }, 0);
  });
  // Coming back to this page, the browser puts the chosen quantities back after this script has
  // run (or restores the page whole, its button still disabled by the last submit): count again.
  window.addEventListener("pageshow", update);
  update();
})();
