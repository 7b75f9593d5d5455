// The referral finder page: search and filters over /api/services, the query kept in the URL (shareable),
// results chosen for a bilingual referral sheet. Every text from the server goes in via textContent.
const FILTERS = ['q', 'town', 'topic', 'age', 'group', 'speaks', 'access', 'free', 'childcare'];
const MAX_SHEET = 6;
const $ = (id) => document.getElementById(id);

const [locales, options] = await Promise.all([
  fetch('/static/finder-locales.json').then((r) => r.json()),
  fetch('/static/finder-options.json').then((r) => r.json()),
]);
const codes = options.languages.map((l) => l.code);
const selected = new Map();
let lang = 'de';
let page = 1;
let total = 0;
let lastQuery = '';

function lookup(obj, key) {
  return key.split('.').reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), obj);
}
/** The finder's words in the page language, German as fallback; {{name}} placeholders filled in. */
function t(key, params = {}) {
  const raw = lookup(locales[lang], key) ?? lookup(locales.de, key) ?? key;
  return String(raw).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => String(params[k] ?? ''));
}
/** A topic id ("language-course.integration") is a path in the chat's topic names. */
const topicName = (id) => t(`topic.${id}`);

function option(select, value, label, current) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  if (value === current) o.selected = true;
  select.append(o);
}

function fillSelects() {
  const keep = (id) => $(id).value;
  const rebuild = (id, anyKey, items) => {
    const current = keep(id);
    $(id).replaceChildren();
    if (anyKey) option($(id), '', t(anyKey), current);
    for (const [value, label] of items) option($(id), value, label, current);
  };
  rebuild('town', 'page.anyTown', options.towns.map((m) => [m.id, m.name]));
  rebuild('topic', 'page.anyTopic', options.topics.map((id) => [id, topicName(id)]));
  rebuild('group', 'page.anyGroup', options.groups.map((g) => [g, t(`eligibility.${g}`)]));
  rebuild('speaks', 'page.anyLanguage', options.languages.map((l) => [l.code, l.name]));
  rebuild('access', 'page.anyAccess', options.access.map((a) => [a, t(`access.${a}`)]));
  rebuild('ui-lang', null, options.languages.map((l) => [l.code, l.name]));
  $('ui-lang').value = lang;
  const family = $('family-lang').value || 'ar';
  rebuild('family-lang', null, options.languages.map((l) => [l.code, l.name]));
  $('family-lang').value = family;
}

function translatePage() {
  const meta = options.languages.find((l) => l.code === lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = meta?.dir ?? 'ltr';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.title = t('page.title');
  fillSelects();
  updateSheetLink();
}

/** Form ⇄ URL: the URL carries the query and filters, so a search can be shared or bookmarked. */
function readUrl() {
  const p = new URLSearchParams(location.search);
  lang = codes.includes(p.get('lang')) ? p.get('lang') : 'de';
  page = Math.max(1, Number.parseInt(p.get('page') ?? '1', 10) || 1);
  translatePage();
  for (const name of FILTERS) {
    const el = $(name);
    const value = p.get(name) ?? '';
    if (el.type === 'checkbox') el.checked = value === 'true';
    else el.value = value;
  }
  if (codes.includes(p.get('family'))) $('family-lang').value = p.get('family');
}

function formParams() {
  const p = new URLSearchParams();
  for (const name of FILTERS) {
    const el = $(name);
    if (el.type === 'checkbox') {
      if (el.checked) p.set(name, 'true');
    } else if (el.value.trim() !== '') p.set(name, el.value.trim());
  }
  return p;
}

function writeUrl(push) {
  const p = formParams();
  if (lang !== 'de') p.set('lang', lang);
  if (page > 1) p.set('page', String(page));
  if ($('family-lang').value !== 'ar') p.set('family', $('family-lang').value);
  const url = `${location.pathname}${p.size ? `?${p}` : ''}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

async function search() {
  const p = formParams();
  p.set('language', lang);
  p.set('page', String(page));
  p.set('pageSize', '10');
  $('error').hidden = true;
  $('summary').textContent = t('results.loading');
  document.body.dataset.state = 'loading';
  try {
    const res = await fetch(`/api/services?${p}`);
    const body = await res.json();
    if (!res.ok) throw new Error(body.message ?? body.error);
    render(body);
  } catch {
    $('results').replaceChildren();
    $('summary').textContent = '';
    $('error').textContent = t('results.error');
    $('error').hidden = false;
  } finally {
    document.body.dataset.state = 'ready';
  }
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(body) {
  total = body.total;
  lastQuery = $('q').value.trim();
  const lines = [t('results.count', { count: body.total })];
  if (lastQuery) lines.unshift(t('results.for', { query: lastQuery }));
  if (body.understood.topics.length) lines.push(t('results.understood', { topics: body.understood.topics.map(topicName).join(', ') }));
  $('summary').textContent = lines.join(' · ');
  $('results').replaceChildren(...body.items.map(card));
  if (body.items.length === 0) $('results').append(el('li', 'none', t('results.none')));
  const pages = Math.max(1, Math.ceil(body.total / body.pageSize));
  $('pager').hidden = pages <= 1;
  $('page-info').textContent = t('results.page', { page: body.page, pages });
  $('prev').disabled = body.page <= 1;
  $('next').disabled = body.page >= pages;
}

function card(item) {
  const li = el('li', 'result');
  li.dataset.id = item.id;
  const textMeta = options.languages.find((l) => l.code === item.textLanguage);
  li.lang = item.textLanguage;
  li.dir = textMeta?.dir ?? 'ltr';
  li.append(el('h3', '', item.text.title), el('p', 'provider', item.provider));
  if (item.example) li.append(el('p', 'marker', item.text.example));
  li.append(el('p', 'summary', item.text.summary));
  const dl = el('dl');
  const row = (label, value, href) => {
    if (!value) return;
    const dd = el('dd');
    if (href) {
      const a = el('a', '', value);
      a.href = href;
      dd.append(a);
    } else dd.textContent = value;
    dl.append(el('dt', '', label), dd);
  };
  row(t('service.forWhom'), item.text.forWhom);
  row(t('service.call'), item.contact.phone, item.contact.phone ? `tel:${item.contact.phone.replace(/[^\d+]/g, '')}` : undefined);
  row(t('service.email'), item.contact.email, item.contact.email ? `mailto:${item.contact.email}` : undefined);
  row(t('service.website'), item.contact.web, item.contact.web && /^https?:\/\//.test(item.contact.web) ? item.contact.web : undefined);
  row(t('results.contact'), item.text.address);
  row(t('service.hours'), item.text.hours);
  row(t('service.languages'), item.text.languages);
  row(t('service.cost'), item.text.cost);
  row(t('service.access'), item.text.access);
  li.append(dl);
  if (item.text.verified) li.append(el('p', 'verified', item.text.verified));
  const pick = el('label', 'pick');
  const box = el('input');
  box.type = 'checkbox';
  box.name = 'pick';
  box.value = item.id;
  box.checked = selected.has(item.id);
  box.addEventListener('change', () => {
    if (box.checked && selected.size >= MAX_SHEET) {
      box.checked = false;
      $('selected-count').textContent = t('sheet.max', { max: MAX_SHEET });
      return;
    }
    if (box.checked) selected.set(item.id, item.text.title);
    else selected.delete(item.id);
    updateSheetLink();
  });
  pick.append(box, el('span', '', t('results.select')));
  li.append(pick);
  return li;
}

function updateSheetLink() {
  $('selected-count').textContent = t('sheet.selected', { count: selected.size });
  const link = $('make-sheet');
  const p = new URLSearchParams({ ids: [...selected.keys()].join(','), lang: $('family-lang').value });
  link.href = `/finder/sheet?${p}`;
  link.setAttribute('aria-disabled', selected.size === 0 ? 'true' : 'false');
}

$('search').addEventListener('submit', (event) => {
  event.preventDefault();
  page = 1;
  writeUrl(true);
  void search();
});
for (const name of FILTERS.filter((n) => n !== 'q')) {
  $(name).addEventListener('change', () => {
    page = 1;
    writeUrl(true);
    void search();
  });
}
$('reset').addEventListener('click', () => {
  $('search').reset();
  page = 1;
  writeUrl(true);
  void search();
});
$('ui-lang').addEventListener('change', () => {
  lang = $('ui-lang').value;
  translatePage();
  writeUrl(false);
  void search();
});
$('family-lang').addEventListener('change', () => {
  updateSheetLink();
  writeUrl(false);
});
$('prev').addEventListener('click', () => {
  page = Math.max(1, page - 1);
  writeUrl(true);
  void search();
});
$('next').addEventListener('click', () => {
  page += 1;
  writeUrl(true);
  void search();
});
window.addEventListener('popstate', () => {
  readUrl();
  void search();
});

readUrl();
updateSheetLink();
void search();
