import QRCode from 'qrcode';
import type { i18n } from 'i18next';
import type { KnowledgeBase } from '../../knowledge/load.js';
import type { Language, ServiceEntry } from '../../knowledge/schema.js';
import { serviceCard, type ServiceCard } from '../render.js';
import { translatorFor, type Translator } from '../i18n.js';
import { SHEET_PATH } from '../../dialogs/volunteer.js';

export { SHEET_PATH };

/** At most this many services on one referral sheet (two pages at most, readable). */
export const MAX_SHEET_SERVICES = 6;


/**
 * The web chat link a sheet's QR code opens: the family's language and the service's topic chosen.
 * @remarks The URL contract of the Web Chat page at `/`: `/?lang=<code>&topic=<topic id>`.
 */
export function chatLink(baseUrl: string, lang: Language, topic: string): string {
  return `${baseUrl}/?lang=${encodeURIComponent(lang)}&topic=${encodeURIComponent(topic)}`;
}

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface SheetOptions {
  entries: ServiceEntry[];
  /** The family's language; German alone when it is German or not chosen yet. */
  lang?: Language;
  /** Absolute origin for the QR codes ("https://lotse.kreis-kleve.de"). */
  baseUrl: string;
  /** Offer the server-rendered PDF (Chromium is installed). */
  pdf: boolean;
  /** For the PDF renderer: the style sheet inline, no toolbar. */
  print?: { css: string };
  /** Today's date (YYYY-MM-DD) printed on the sheet. */
  date: string;
}

interface Side {
  lang: Language;
  dir: 'ltr' | 'rtl';
  t: Translator;
  f: Translator;
}

/**
 * The referral sheet ("Verweiszettel"): per service, German and the family's language side by side,
 * contact details once, what to bring, and a QR code that opens the web chat in the family's language
 * with the service's topic chosen.
 * @remarks Every value is escaped; no inline script or style (the page's CSP allows neither), except the
 * inline style sheet of the PDF variant, which Chromium renders offline from a string.
 */
export async function renderSheet(opts: SheetOptions, deps: { i18n: i18n; kb: KnowledgeBase }): Promise<string> {
  const side = (lang: Language): Side => ({
    lang,
    dir: deps.kb.taxonomy.languages.find((l) => l.code === lang)?.dir ?? 'ltr',
    t: translatorFor(deps.i18n, lang),
    f: translatorFor(deps.i18n, lang, 'finder'),
  });
  const de = side('de');
  const family = opts.lang && opts.lang !== 'de' ? side(opts.lang) : undefined;
  const sides = family ? [de, family] : [de];
  const chatLang = family?.lang ?? 'de';
  const ids = opts.entries.map((e) => e.id).join(',');

  const services = await Promise.all(
    opts.entries.map(async (entry) => {
      const link = chatLink(opts.baseUrl, chatLang, entry.topics[0]!);
      const qr = await QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      const cards = sides.map((s) => ({ s, card: serviceCard(entry, s.t, s.lang, deps.kb) }));
      const c = cards[0]!.card;
      // Contact details once, labelled in both languages; no emoji (print fonts lack them).
      const label = (f: (s: Side) => string) => `<span class="k">${sides.map((s) => `<span lang="${s.lang}" dir="${s.dir}">${esc(f(s))}</span>`).join(' / ')}:</span>`;
      const contact = [
        c.phone ? `<li>${label((s) => s.f('sheet.phone'))} <a href="tel:${esc(c.phone.replace(/[^\d+]/g, ''))}">${esc(c.phone)}</a></li>` : '',
        c.address ? `<li>${label((s) => s.f('sheet.address'))} ${esc(c.address)}</li>` : '',
        c.email ? `<li>${label((s) => s.t('service.email'))} <a href="mailto:${esc(c.email)}">${esc(c.email)}</a></li>` : '',
        c.web ? `<li>${label((s) => s.t('service.website'))} <a href="${esc(c.web)}">${esc(c.web)}</a></li>` : '',
      ].join('');
      return `
  <article class="service" id="service-${esc(entry.id)}">
    <div class="cols">${cards.map(({ s, card }) => column(s, card)).join('')}
    </div>
    <div class="foot">
      <ul class="contact" dir="ltr" lang="de">${contact}</ul>
      <figure class="qr">
        ${qr}
        <figcaption>${sides.map((s) => `<span lang="${s.lang}" dir="${s.dir}">${esc(s.f('sheet.qr'))}</span>`).join(' ')}<br><span class="url" dir="ltr">${esc(link)}</span></figcaption>
      </figure>
    </div>
  </article>`;
    }),
  );

  const title = sides.map((s) => s.f('sheet.title')).join(' · ');
  const languageOptions = deps.kb.taxonomy.languages
    .map((l) => `<option value="${esc(l.code)}"${l.code === chatLang ? ' selected' : ''}>${esc(l.name)}</option>`)
    .join('');
  const query = `ids=${encodeURIComponent(ids)}${family ? `&lang=${family.lang}` : ''}`;
  const toolbar = opts.print
    ? ''
    : `
  <nav class="toolbar no-print" aria-label="${esc(de.f('sheet.tools'))}">
    <a href="/finder">${esc(de.f('sheet.back'))}</a>
    <form method="get" action="${SHEET_PATH}" class="lang-form">
      <input type="hidden" name="ids" value="${esc(ids)}">
      <label>${esc(de.f('sheet.familyLanguage'))} <select name="lang" id="sheet-lang">${languageOptions}</select></label>
      <button type="submit">${esc(de.f('sheet.apply'))}</button>
    </form>
    <button type="button" id="print">${esc(de.f('sheet.print'))}</button>
    ${opts.pdf ? `<a id="pdf" class="button" href="${SHEET_PATH}.pdf?${esc(query)}" download>${esc(de.f('sheet.pdf'))}</a>` : `<span class="hint">${esc(de.f('sheet.pdfHint'))}</span>`}
  </nav>`;
  const head = opts.print
    ? `<style>${opts.print.css}</style>`
    : `<link rel="stylesheet" href="/static/sheet.css">
  <script type="module" src="/static/sheet.js"></script>`;

  return `<!doctype html>
<html lang="de" dir="ltr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)}</title>
  ${head}
</head>
<body class="sheet${family ? ' bilingual' : ''}">${toolbar}
  <header class="sheet-head">
    ${sides.map((s) => `<div lang="${s.lang}" dir="${s.dir}"><h1>${esc(s.f('sheet.title'))}</h1><p>${esc(s.f('sheet.intro'))}</p></div>`).join('')}
  </header>
  <main>${services.join('')}
  </main>
  <footer class="sheet-foot">
    ${sides.map((s) => `<p lang="${s.lang}" dir="${s.dir}">${esc(s.f('sheet.footer', { date: opts.date }))}</p>`).join('')}
  </footer>
</body>
</html>
`;
}

/** One language's column of a service: texts and labels in that language. */
function column(s: Side, card: ServiceCard): string {
  const row = (label: string, value: string | undefined) => (value ? `<dt>${esc(label)}</dt><dd>${esc(value)}</dd>` : '');
  const list = (tag: 'ul' | 'ol', items: string[]) => `<${tag}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</${tag}>`;
  return `
      <section class="col" lang="${s.lang}" dir="${s.dir}">
        <h2>${esc(card.title)}</h2>
        <p class="provider">${esc(card.provider)}</p>
        ${card.example ? `<p class="example">${esc(card.example)}</p>` : ''}
        <p>${esc(card.summary)}</p>
        <dl>
          ${row(s.t('service.forWhom'), card.forWhom)}
          ${row(s.t('service.languages'), card.languages)}
          ${row(s.t('service.cost'), card.cost)}
          ${row(s.t('service.hours'), card.hours)}
          ${row(s.t('service.access'), card.access)}
        </dl>
        ${card.bring.length ? `<h3>${esc(s.t('service.bring'))}</h3>${list('ul', card.bring)}` : ''}
        ${card.steps.length ? `<h3>${esc(s.t('service.steps'))}</h3>${list('ol', card.steps)}` : ''}
        <p class="next"><strong>${esc(s.t('service.next'))}:</strong> ${esc(card.next)}</p>
        ${card.verified ? `<p class="verified">${esc(card.verified)}</p>` : ''}
      </section>`;
}
