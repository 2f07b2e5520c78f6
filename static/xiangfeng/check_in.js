// The organiser's check-in page (templates/activities/check_in.html): read a household card's QR
// code through the phone's camera and post it as if typed. BarcodeDetector where the browser has
// it; elsewhere jsQR (static/vendor/jsqr/, loaded only then). Without a camera the typed number
// still works: the scan button simply stays hidden.
(function () {
  var scanBtn = document.getElementById("act-scan");
  var form = document.getElementById("act-form");
  if (!scanBtn || !form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var box = document.getElementById("act-camera"), video = document.getElementById("act-video");
  var status = document.getElementById("act-camera-status"), stopBtn = document.getElementById("act-stop");
  var code = document.getElementById("act-code"), via = document.getElementById("act-via");
  var stream = null, detector = null, canvas = null, timer = null, done = false;
  // After a scan the camera starts again with the same card likely still in front of it: that card
  // is ignored for a few seconds, so the organiser sees "checked in", not "already checked in".
  var last = scanBtn.dataset.last || "", ignoreUntil = last ? Date.now() + 4000 : 0;

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve(window.jsQR);
      var script = document.createElement("script");
      script.src = scanBtn.dataset.jsqr;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function decoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") < 0) throw new Error("no qr_code");
        detector = new window.BarcodeDetector({formats: ["qr_code"]});
      }).catch(loadJsQR);
    }
    return loadJsQR();
  }

  function read() {
    if (video.readyState < 2) return Promise.resolve(null);
    if (detector) {
      return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
    }
    var w = video.videoWidth, h = video.videoHeight;
    // A smaller picture is read faster and a card's code is large in it.
    var scale = Math.min(1, 640 / Math.max(w, h));
    canvas = canvas || document.createElement("canvas");
    canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
    var ctx = canvas.getContext("2d", {willReadFrequently: true});
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    var pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(pixels.data, pixels.width, pixels.height, {inversionAttempts: "dontInvert"});
    return Promise.resolve(found ? found.data : null);
  }

  function tick() {
    if (done || !stream) return;
    read().then(function (text) {
      if (text && text === last && Date.now() < ignoreUntil) text = null;
      if (text && !done) {
        done = true;
        status.textContent = scanBtn.dataset.reading;
        code.value = text;
        via.value = "camera";
        stop();
        form.submit();
      } else {
        timer = setTimeout(tick, 200);
      }
    }).catch(function () { timer = setTimeout(tick, 400); });
  }

  function stop() {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    box.hidden = true;
    scanBtn.hidden = false;
  }

  function start() {
    scanBtn.hidden = true;
    box.hidden = false;
    decoder().then(function () {
      return navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false});
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      return video.play();
    }).then(tick).catch(function () {
      stop();
      scanBtn.hidden = true;
      var p = document.createElement("p");
      p.className = "errors";
      p.textContent = scanBtn.dataset.noCamera;
      form.parentNode.insertBefore(p, form);
      code.focus();
    });
  }

  scanBtn.hidden = false;
  scanBtn.addEventListener("click", start);
  stopBtn.addEventListener("click", stop);
  form.addEventListener("submit", function () { if (!done) via.value = "typed"; });
  if (scanBtn.dataset.autostart) start();
})();
