// Initialise GOV.UK Frontend and MOJ Frontend components on every page.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

initGovuk();
initMoj();

// A report being prepared in the background: ask the server every few seconds and,
// when it is ready, show the download button in place (the page never reloads itself,
// so nothing moves under the reader). Without JavaScript the page has a "Check again" link.
function watchReportJob(root) {
  const statusUrl = root.dataset.statusUrl;
  const status = root.querySelector("[data-job-status]");
  const progress = root.querySelector("[data-job-progress]");
  const ready = root.querySelector("[data-job-ready]");
  const waiting = root.querySelectorAll("[data-job-waiting]");
  const poll = async () => {
    let job;
    try {
      const response = await fetch(statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      job = await response.json();
    } catch {
      window.setTimeout(poll, 10000);
      return;
    }
    if (status && status.textContent !== job.label) status.textContent = job.label;
    if (progress && job.progress && progress.textContent !== job.progress) {
      progress.textContent = job.progress;
    }
    if (job.ready) {
      waiting.forEach((element) => element.setAttribute("hidden", ""));
      ready.removeAttribute("hidden");
    } else if (job.finished) {
      // Failed or stopped: the page itself explains and offers "Try again".
      window.location.reload();
    } else {
      window.setTimeout(poll, 3000);
    }
  };
  window.setTimeout(poll, 3000);
}

document.querySelectorAll('[data-module="report-job"]').forEach(watchReportJob);
