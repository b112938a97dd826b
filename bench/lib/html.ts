// Just enough HTML reading for sign-in pages: forms with what a browser would submit, entity decoding, a page summary.
export interface HtmlForm {
  id: string;
  action: string;
  method: string;
  /** name -> value of what a browser submits on Enter: named inputs (unchecked boxes left out) and the default button. */
  inputs: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'", '#x2F': '/' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name in ENTITIES) return ENTITIES[name] as string;
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return whole;
  });
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (!m) return undefined;
  return decodeEntities(m[1] ?? m[2] ?? m[3] ?? '');
}

const hasFlag = (tag: string, name: string) => new RegExp(`\\s${name}(?:[\\s=>/]|$)`, 'i').test(tag);

export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = ` ${m[1] ?? ''}`;
    const body = m[2] ?? '';
    const inputs = new Map<string, string>();
    let defaultButton = false;
    for (const control of body.matchAll(/<(input|button)\b[^>]*>/gi)) {
      const tag = control[0];
      const isButton = (control[1] ?? '').toLowerCase() === 'button';
      const type = (attr(tag, 'type') ?? (isButton ? 'submit' : 'text')).toLowerCase();
      const name = attr(tag, 'name');
      if (type === 'submit' || type === 'image') {
        // pressing Enter submits with the first submit button, which then contributes its name and value
        if (!defaultButton && name) inputs.set(name, attr(tag, 'value') ?? '');
        defaultButton = true;
        continue;
      }
      if (!name || isButton || type === 'reset' || type === 'file') continue;
      if ((type === 'checkbox' || type === 'radio') && !hasFlag(tag, 'checked')) continue;
      inputs.set(name, attr(tag, 'value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : ''));
    }
    forms.push({ id: attr(open, 'id') ?? '', action: attr(open, 'action') ?? '', method: (attr(open, 'method') ?? 'get').toLowerCase(), inputs });
  }
  return forms;
}

/** The page's title plus any error message (our alert-error, Keycloak's feedback texts) and its forms, for error reports. */
export function describePage(html: string): string {
  const title = /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.trim() ?? '(no title)';
  const feedback =
    /<span[^>]*class="[^"]*kc-feedback-text[^"]*"[^>]*>([\s\S]*?)<\/span>/i.exec(html)?.[1] ??
    /<span[^>]*id="input-error[^"]*"[^>]*>([\s\S]*?)<\/span>/i.exec(html)?.[1] ??
    /class="[^"]*(?:pf-v5-c-alert__title|alert-error)[^"]*"[^>]*>([\s\S]*?)<\/div>/i.exec(html)?.[1] ??
    /<p[^>]*class="[^"]*(?:error|detail)[^"]*"[^>]*>([\s\S]*?)<\/p>/i.exec(html)?.[1] ??
    '';
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ?? '';
  const forms = parseForms(html)
    .map((f) => `${f.id || '(form)'}[${[...f.inputs.keys()].join(',')}]`)
    .join(' ');
  const text = (s: string) => decodeEntities(s.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  const h1 = text(heading);
  const message = text(feedback);
  return `page "${decodeEntities(title)}"${h1 ? `, heading "${h1}"` : ''}${message ? `, message "${message}"` : ''}${forms ? `, forms ${forms}` : ''}`;
}
