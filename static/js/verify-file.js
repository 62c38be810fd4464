// Checking a copy in hand on the verification page: the SHA-256 of the chosen file is
// computed in the browser (Web Crypto) and compared with the issued file's; the file never
// leaves the device. Without Web Crypto (plain HTTP other than localhost) or without
// JavaScript, the form sends the file to the server instead, which reads it and stores nothing.
(function () {
  var form = document.querySelector("form.file-check");
  if (!form || !(window.crypto && window.crypto.subtle && window.Blob && Blob.prototype.arrayBuffer)) return;
  var input = form.querySelector("input[type=file]");
  var out = document.querySelector(".file-check-result");
  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) return; // the server says what is missing
    event.preventDefault();
    file.arrayBuffer()
      .then(function (buffer) { return window.crypto.subtle.digest("SHA-256", buffer); })
      .then(function (digest) {
        var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
        var same = hex === form.dataset.sha256;
        var verdict = document.createElement("p");
        verdict.className = "message " + (same ? "success" : "error");
        verdict.textContent = same ? form.dataset.match : form.dataset.mismatch;
        var detail = document.createElement("p");
        detail.className = "help";
        detail.textContent = form.dataset.yourHash + " " + hex;
        out.textContent = "";
        out.appendChild(verdict);
        out.appendChild(detail);
      });
  });
})();
