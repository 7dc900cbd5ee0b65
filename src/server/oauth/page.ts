/** The few HTML pages the server answers a browser with outside the web UI (a refused OAuth redirect). */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function htmlPage(title: string, body: string, next?: { href: string; label: string }): string {
  const link = next ? `<p><a href="${esc(next.href)}">${esc(next.label)}</a></p>` : '';
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>Runwire – ${esc(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:36em;margin:4em auto"><h1>${esc(title)}</h1><p>${esc(body)}</p>${link}</body></html>`
  );
}
