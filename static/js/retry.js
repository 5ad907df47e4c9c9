// A join or code form the server asked to wait (429): wait, then send it again as it was
// typed. A little jitter keeps a room of waiting phones from coming back all at once.
const notice = document.getElementById("retry-notice");
const form = document.getElementById("retry-form");
if (notice && form) {
  const wait = Number(notice.dataset.retryAfter) || 1;
  const jitter = Math.random() * Math.min(5, wait / 2 + 1);
  window.setTimeout(() => form.requestSubmit(), (wait + jitter) * 1000);
}
