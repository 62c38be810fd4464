// Quiz page: autosave on every change, a cosmetic countdown, and a warning before sending
// unanswered questions. The server owns the deadline and the key; this file only helps.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var texts = window.INTEGRITAS_QUIZ || {};
  var url = form.dataset.autosave;
  var state = document.querySelector("[data-save-state]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {};
  var timer = null;

  function answersOf(name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name='" + name + "']:checked"), function (i) { return parseInt(i.value, 10); });
  }
  function flush() {
    var body = {answers: pending};
    pending = {};
    fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (data) { return {status: r.status, data: data}; }); })
      .then(function (res) {
        if (res.data.ok) { state.textContent = texts.saved + " " + res.data.saved_at; }
        else if (res.status === 409) { state.textContent = res.data.error; window.location.reload(); }
        else { state.textContent = res.data.error; }
      })
      .catch(function () { state.textContent = texts.failed; Object.assign(pending, body.answers); schedule(); });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(flush, 400); }
  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (!name || name.charAt(0) !== "q") return;
    pending[name.slice(1)] = answersOf(name);
    schedule();
  });

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || !submitter.hasAttribute("data-submit")) return;
    var names = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name^='q']"), function (i) { names[i.name] = true; });
    var unanswered = Object.keys(names).filter(function (n) { return answersOf(n).length === 0; }).length;
    if (unanswered && !form.dataset.timeUp) {
      if (!window.confirm(texts.unanswered.replace("%s", unanswered))) { event.preventDefault(); return; }
    }
    var confirm = document.createElement("input");
    confirm.type = "hidden"; confirm.name = "confirm"; confirm.value = "1";
    form.appendChild(confirm);
  });

  var countdown = document.querySelector(".countdown[data-deadline]");
  if (countdown) {
    // Offset between the server's clock and this phone's, so a wrong phone clock does not matter.
    var offset = new Date(countdown.dataset.now).getTime() - Date.now();
    var deadline = new Date(countdown.dataset.deadline).getTime();
    countdown.hidden = false;
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - (Date.now() + offset)) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      countdown.textContent = " · " + texts.left + " " + m + ":" + (s < 10 ? "0" : "") + s;
      if (left === 0) {
        clearInterval(interval);
        countdown.textContent = " · " + texts.timeUp;
        form.dataset.timeUp = "1";
        form.querySelector("button[data-submit]").click();
      }
    };
    var interval = setInterval(tick, 1000);
    tick();
  }
})();
