// Initialise GOV.UK Frontend and MOJ Frontend components on every page.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

// An error summary link to a field inside a closed <details> opens it first, so the
// GOV.UK error summary can move focus to the field (it runs after this, on bubbling).
// The server already renders a <details> holding an error open; this covers the rest.
document.addEventListener(
  "click",
  (event) => {
    const link = event.target.closest?.('.govuk-error-summary a[href^="#"]');
    const target = link && document.getElementById(link.hash.slice(1));
    for (let details = target?.closest("details"); details; ) {
      details.open = true;
      details = details.parentElement?.closest("details");
    }
  },
  true,
);

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

// Drafts: the text typed into a form marked `data-keep-draft` is kept in this tab's
// sessionStorage (gone when the tab closes) until the form is saved, so an ended session
// loses nothing: after signing in again the user is sent back to the form's page and the
// text is put back. Passwords and hidden fields are never kept.
const DRAFT_PREFIX = "tracker-draft:";
const PENDING_KEY = "tracker-draft-pending";

const draftFields = (form) =>
  [...form.querySelectorAll("textarea, input")].filter(
    (field) =>
      field.name &&
      !field.hidden &&
      !field.hasAttribute("data-no-draft") &&
      (field.tagName === "TEXTAREA" || ["text", "url", "email", "search"].includes(field.type)),
  );

const draftKey = (form, field) =>
  `${DRAFT_PREFIX}${window.location.pathname}|${form.getAttribute("action") || ""}|${field.name}`;

function readDraft(key) {
  try {
    return JSON.parse(window.sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

function storage() {
  try {
    const store = window.sessionStorage;
    store.getItem(PENDING_KEY);
    return store;
  } catch {
    return null; // storage switched off: forms work as before, without drafts
  }
}

// A form sent last time: a success banner now means it was saved, so its drafts go.
// The sign-in page means the session had ended: the drafts wait for the form's page.
// Anything else (the form shown again with errors) has the typed text from the server.
function settlePendingDrafts(store) {
  const pending = JSON.parse(store.getItem(PENDING_KEY) || "null");
  if (!pending) return;
  if (document.querySelector(".govuk-notification-banner--success")) {
    pending.keys.forEach((key) => store.removeItem(key));
  } else if (document.querySelector('input[type="password"]')) {
    return;
  }
  store.removeItem(PENDING_KEY);
}

function keepDrafts(form, store) {
  let restored = false;
  draftFields(form).forEach((field) => {
    const key = draftKey(form, field);
    const draft = readDraft(key);
    // Only over what the page started with: never over newer text from the server.
    if (draft && draft.value !== field.value && draft.original === field.value) {
      field.value = draft.value;
      field.dispatchEvent(new Event("input", { bubbles: true })); // character counts
      restored = true;
    }
    const original = draft ? draft.original : field.value;
    field.addEventListener("input", () => {
      if (field.value === original) store.removeItem(key);
      else store.setItem(key, JSON.stringify({ value: field.value, original }));
    });
  });
  form.addEventListener("submit", () => {
    const keys = draftFields(form).map((field) => draftKey(form, field));
    store.setItem(PENDING_KEY, JSON.stringify({ keys }));
  });
  if (restored) {
    const notice = document.createElement("div");
    notice.className = "govuk-inset-text";
    notice.setAttribute("role", "status");
    notice.textContent =
      "We restored text you had typed before you were signed out. Check it and send the form again.";
    form.prepend(notice);
  }
}

function startDrafts() {
  const store = storage();
  if (!store) return;
  settlePendingDrafts(store);
  document.querySelectorAll("form[data-keep-draft]").forEach((form) => keepDrafts(form, store));
  // Signing out on purpose forgets every draft (a shared computer keeps nothing).
  document.querySelectorAll('form[action$="/logout"]').forEach((form) =>
    form.addEventListener("submit", () => {
      Object.keys(store)
        .filter((key) => key.startsWith(DRAFT_PREFIX) || key === PENDING_KEY)
        .forEach((key) => store.removeItem(key));
    }),
  );
}

startDrafts();

// Session timeout warning (the GOV.UK / MOJ pattern): a modal dialog a couple of minutes
// before an idle session ends. "Stay signed in" (or Escape) renews the session with a
// POST; "Sign out" signs out. When the time runs out the page goes to the sign-in page,
// which brings the user back here afterwards. The last activity is shared between tabs.
const ACTIVE_KEY = "tracker-session-active-at";

function watchSession(dialog) {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  if (!idleMs || typeof dialog.showModal !== "function") return;
  const warnMs = Math.min(120000, idleMs / 2);
  const countdown = dialog.querySelector("[data-session-countdown]");
  const announce = dialog.querySelector("[data-session-announce]");
  const heading = dialog.querySelector("h2");
  const csrf = dialog.querySelector('input[name="csrf_token"]').value;
  if (document.querySelector("form[data-keep-draft]")) {
    dialog.querySelector("[data-session-drafts]")?.removeAttribute("hidden");
  }
  let returnFocus = null;
  let lastAnnounced = null;

  const noteActivity = (at = Date.now()) => {
    try {
      window.localStorage.setItem(ACTIVE_KEY, String(at));
    } catch {
      /* one tab only */
    }
    dialog.dataset.activeAt = String(at);
  };
  const activeAt = () => {
    let shared = 0;
    try {
      shared = Number(window.localStorage.getItem(ACTIVE_KEY)) || 0;
    } catch {
      /* one tab only */
    }
    return Math.max(shared, Number(dialog.dataset.activeAt));
  };
  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };
  const close = () => {
    if (!dialog.open) return;
    dialog.close();
    lastAnnounced = null;
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  };
  const stay = async () => {
    close();
    noteActivity();
    try {
      await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      /* the next tick signs out if the session really ended */
    }
  };
  const tick = () => {
    const left = activeAt() + idleMs - Date.now();
    if (left <= 0) {
      const here = window.location.pathname + window.location.search;
      window.location.assign(`${dialog.dataset.signInUrl}?next=${encodeURIComponent(here)}`);
      return;
    }
    if (left > warnMs) {
      close(); // another tab kept the session alive
    } else {
      countdown.textContent = words(left);
      if (!dialog.open) {
        returnFocus = document.activeElement;
        dialog.showModal();
        heading.focus();
      }
      // Announce the time left now and then, not every second.
      const said = words(left);
      const step = left > 60000 ? 60000 : 20000;
      const bucket = Math.ceil(left / step);
      if (bucket !== lastAnnounced) {
        lastAnnounced = bucket;
        announce.textContent = `You will be signed out in ${said}.`;
      }
    }
    window.setTimeout(tick, 1000);
  };

  dialog.querySelector("[data-session-stay]").addEventListener("click", stay);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape means "stay signed in"
    stay();
  });
  noteActivity();
  window.setTimeout(tick, 1000);
}

document.querySelectorAll('dialog[data-module="session-timeout"]').forEach(watchSession);
