// The scan box: reads a QR code, GS1 DataMatrix or Code 128 with the phone's camera (or from a photo)
// and looks it up. The browser's BarcodeDetector where it has one; otherwise the vendored ZXing decoder
// (static/vendor/zxing-library), loaded only when needed. A label's own QR code opens its address;
// anything else is looked up as an asset number, serial number or UDI.
(function () {
  "use strict";
  var FORMATS = ["qr_code", "data_matrix", "code_128"];

  function Scanner(box) {
    this.box = box;
    this.status = box.querySelector("[data-scan-status]");
    this.video = box.querySelector("[data-scan-video]");
    this.cameraButton = box.querySelector("[data-scan-camera]");
    this.photoInput = box.querySelector("[data-scan-photo]");
    this.canvas = document.createElement("canvas");
    this.native = null;
    this.zxing = null;
    this.stream = null;
    this.timer = null;
  }

  Scanner.prototype.text = function (name) {
    return this.box.getAttribute("data-msg-" + name) || "";
  };

  Scanner.prototype.say = function (message) {
    this.status.textContent = message;
  };

  Scanner.prototype.open = function (code) {
    code = (code || "").trim();
    this.stop();
    this.say(this.text("read").replace("%s", code));
    this.box.setAttribute("data-scanned", code);
    var target = null;
    try {
      var url = new URL(code);
      if (url.pathname.indexOf("/labels/d/") === 0) {
        target = url.pathname; // the label's own address, on this server whatever host the label names
      }
    } catch (e) {
      target = null;
    }
    window.location.assign(target || this.box.getAttribute("data-find-url") + "?code=" + encodeURIComponent(code));
  };

  Scanner.prototype.nativeDetector = function () {
    var self = this;
    if (self.native !== null) {
      return Promise.resolve(self.native);
    }
    if (!("BarcodeDetector" in window)) {
      self.native = false;
      return Promise.resolve(false);
    }
    return window.BarcodeDetector.getSupportedFormats().then(function (supported) {
      var wanted = FORMATS.filter(function (f) { return supported.indexOf(f) >= 0; });
      self.native = wanted.length === FORMATS.length ? new window.BarcodeDetector({ formats: wanted }) : false;
      return self.native;
    }).catch(function () {
      self.native = false;
      return false;
    });
  };

  Scanner.prototype.loadZxing = function () {
    var self = this;
    if (window.ZXing) {
      return Promise.resolve(window.ZXing);
    }
    if (!self.zxing) {
      self.zxing = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = self.box.getAttribute("data-zxing-src");
        script.addEventListener("load", function () { resolve(window.ZXing); });
        script.addEventListener("error", reject);
        document.head.appendChild(script);
      });
    }
    return self.zxing;
  };

  // The code in the canvas's picture, or null.
  Scanner.prototype.decode = function () {
    var self = this;
    return self.nativeDetector().then(function (detector) {
      if (detector) {
        return detector.detect(self.canvas).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      }
      return self.loadZxing().then(function (Z) {
        var hints = new Map();
        hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, [
          Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.DATA_MATRIX, Z.BarcodeFormat.CODE_128
        ]);
        hints.set(Z.DecodeHintType.TRY_HARDER, true);
        var reader = new Z.MultiFormatReader();
        reader.setHints(hints);
        // ZXing misses a small code drawn with large modules; the same picture at half or a quarter of
        // its size reads, so each is tried in turn.
        var canvas = self.canvas;
        for (var attempt = 0; attempt < 3; attempt++) {
          try {
            var source = new Z.HTMLCanvasElementLuminanceSource(canvas);
            return reader.decode(new Z.BinaryBitmap(new Z.HybridBinarizer(source))).getText();
          } catch (e) {
            if (canvas.width < 160 || canvas.height < 160) {
              break;
            }
            var smaller = document.createElement("canvas");
            smaller.width = Math.round(canvas.width / 2);
            smaller.height = Math.round(canvas.height / 2);
            smaller.getContext("2d").drawImage(canvas, 0, 0, smaller.width, smaller.height);
            canvas = smaller;
          }
        }
        return null; // nothing readable in this picture
      });
    });
  };

  Scanner.prototype.draw = function (source, width, height) {
    var scale = Math.min(1, 1280 / Math.max(width, height));
    this.canvas.width = Math.round(width * scale);
    this.canvas.height = Math.round(height * scale);
    this.canvas.getContext("2d").drawImage(source, 0, 0, this.canvas.width, this.canvas.height);
  };

  Scanner.prototype.fromPhoto = function (file) {
    var self = this;
    var image = new Image();
    var url = URL.createObjectURL(file);
    self.say(self.text("reading"));
    image.addEventListener("load", function () {
      self.draw(image, image.naturalWidth, image.naturalHeight);
      URL.revokeObjectURL(url);
      self.decode().then(function (code) {
        if (code) {
          self.open(code);
        } else {
          self.say(self.text("nothing"));
        }
      });
    });
    image.addEventListener("error", function () { self.say(self.text("nothing")); });
    image.src = url;
  };

  Scanner.prototype.start = function () {
    var self = this;
    if (self.stream) {
      self.stop();
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      self.say(self.text("nocamera"));
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        self.stream = stream;
        self.video.srcObject = stream;
        self.video.hidden = false;
        self.say(self.text("aim"));
        return self.video.play();
      })
      .then(function () { self.tick(); })
      .catch(function () { self.stop(); self.say(self.text("nocamera")); });
  };

  Scanner.prototype.tick = function () {
    var self = this;
    if (!self.stream) {
      return;
    }
    if (self.video.videoWidth) {
      self.draw(self.video, self.video.videoWidth, self.video.videoHeight);
      self.decode().then(function (code) {
        if (code) {
          self.open(code);
        } else {
          self.timer = window.setTimeout(function () { self.tick(); }, 250);
        }
      });
    } else {
      self.timer = window.setTimeout(function () { self.tick(); }, 250);
    }
  };

  Scanner.prototype.stop = function () {
    if (this.timer) {
      window.clearTimeout(this.timer);
    }
    if (this.stream) {
      this.stream.getTracks().forEach(function (track) { track.stop(); });
    }
    this.stream = null;
    this.video.hidden = true;
  };

  function init(box) {
    var scanner = new Scanner(box);
    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      scanner.cameraButton.hidden = false;
    }
    scanner.cameraButton.addEventListener("click", function () { scanner.start(); });
    scanner.photoInput.addEventListener("change", function () {
      if (scanner.photoInput.files && scanner.photoInput.files[0]) {
        scanner.fromPhoto(scanner.photoInput.files[0]);
      }
    });
    scanner.nativeDetector().then(function (detector) {
      box.setAttribute("data-decoder", detector ? "native" : "zxing");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-scan]"), init);
  });
})();
