// A job's page: ask for its progress every second, move the bar, and go to the result when the
// job is done. Without script the page works by its reload link.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "yes") { return; }
  var url = box.dataset.statusUrl;
  function show(selector, text) { box.querySelector(selector).textContent = text; }
  function update(job) {
    show(".job-state", job.state_text);
    show(".job-progress", job.progress);
    show(".job-steps", job.total ? "(" + job.done + "/" + job.total + ")" : "");
    var bar = box.querySelector(".job-bar");
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    var error = box.querySelector(".job-error");
    error.textContent = job.error;
    error.hidden = !job.error;
    box.querySelector(".job-stale").hidden = !job.stale;
    if (job.finished) {
      box.querySelector(".job-reload").hidden = true;
      if (job.result_url) { window.location.assign(job.result_url); }
      return;
    }
    window.setTimeout(poll, 1000);
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer); })
      .then(update)
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
