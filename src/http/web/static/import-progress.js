// Issue 10 item 6: while an import works, its page shows progress. With JavaScript the progress line
// is updated in place every few seconds (nothing reloads, focus stays put, WCAG 2.2.1), and the page
// is opened again once when the work has finished. Without JavaScript the page refreshes itself
// (a <noscript> meta refresh), which "Stop refreshing this page" turns off.
export function enhanceImportProgress() {
  const panel = document.querySelector('[data-s117-import-progress]');
  if (!panel) return;
  const seconds = Number(panel.dataset.s117RefreshSeconds) || 2;
  const check = async () => {
    try {
      const response = await fetch(window.location.pathname, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!response.ok) return schedule();
      const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('[data-s117-import-progress]');
      if (!next) return window.location.assign(window.location.pathname);
      const line = panel.querySelector('[data-s117-progress-line]');
      const nextLine = next.querySelector('[data-s117-progress-line]');
      if (line && nextLine && line.textContent !== nextLine.textContent) line.textContent = nextLine.textContent;
    } catch {
      // The server is away for a moment: try again at the next tick.
    }
    schedule();
  };
  const schedule = () => window.setTimeout(check, seconds * 1000);
  schedule();
}
