// The demo POS's tiny page shell (it is a stand-in for a retailer's app, not part of the provider's UI).
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1c2430}
h1{font-size:1.6rem}dl{display:grid;grid-template-columns:8rem 1fr;gap:.4rem 1rem}dt{color:#5b6472}
dd{margin:0;word-break:break-all}.button{display:inline-block;background:#1f5eff;color:#fff;padding:.6rem 1rem;
border-radius:.5rem;text-decoration:none;margin:.25rem .25rem 0 0}.button.secondary{background:#e8ecf4;color:#1c2430}`;

export const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
