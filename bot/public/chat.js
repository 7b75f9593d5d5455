// The simple chat page: talks to POST /api/chat; every user-supplied or server string is set as text, never as HTML.
const state = { conversationId: sessionStorage.getItem('lotse.conversation') || undefined, language: 'de', locales: {}, languages: [] };
const $ = (id) => document.getElementById(id);

function t(key) {
  return (state.locales[state.language] || {})[key] || (state.locales.de || {})[key] || key;
}

function applyLanguage(lang) {
  state.language = lang;
  const info = state.languages.find((l) => l.code === lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = info ? info.dir : 'ltr';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  $('language').value = lang;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function addUser(text) {
  $('log').append(el('div', { class: 'msg user', text }));
}

function renderCard(c) {
  const rows = [];
  const row = (label, value) => value && rows.push(el('dt', { text: label }), el('dd', { text: value }));
  const labels = state.labels || {};
  row(labels.forWhom, c.forWhom);
  row(labels.languages, c.languages);
  row(labels.cost, c.cost);
  row(labels.hours, c.hours);
  row(labels.access, c.access);
  if (c.address) row('📍', c.address);
  if (c.bring && c.bring.length) row(labels.bring, c.bring.join(', '));
  row(labels.next, c.next);
  const links = el('div', { class: 'links' });
  if (c.phone) links.append(el('a', { href: `tel:${c.phone.replace(/[^+\d]/g, '')}`, text: `☎ ${c.phone}` }));
  if (c.web) links.append(el('a', { href: c.web, target: '_blank', rel: 'noopener noreferrer', text: labels.website || 'Web' }));
  if (c.mapUrl) links.append(el('a', { href: c.mapUrl, target: '_blank', rel: 'noopener noreferrer', text: labels.map || 'Map' }));
  if (c.email) links.append(el('a', { href: `mailto:${c.email}`, text: c.email }));
  return el('article', { class: 'card' }, [
    c.example ? el('span', { class: 'example', text: c.example }) : null,
    el('h3', { text: c.title }),
    el('p', { class: 'provider', text: c.provider }),
    el('p', { text: c.summary }),
    c.steps && c.steps.length ? el('ol', {}, c.steps.map((s) => el('li', { text: s }))) : null,
    el('dl', {}, rows),
    links,
  ]);
}

function addBot(messages) {
  const log = $('log');
  for (const old of log.querySelectorAll('.actions')) old.remove();
  for (const m of messages) {
    if (m.type === 'text') log.append(el('div', { class: 'msg bot', text: m.text }));
    else if (m.type === 'services') for (const c of m.cards) log.append(renderCard(c));
    else if (m.type === 'crisis') {
      log.append(el('article', { class: 'card crisis' }, m.lines.map((l) => el('p', {}, [el('a', { href: `tel:${l.phone.replace(/[^+\d]/g, '')}`, text: `☎ ${l.phone}` }), ` ${l.name} (${l.hours}; ${l.languages})`]))));
    } else if (m.type === 'actions') {
      const box = el('div', { class: 'actions', role: 'group' });
      for (const a of m.actions) {
        const b = el('button', { type: 'button', text: a.label });
        b.addEventListener('click', () => {
          addUser(a.label);
          send({ action: a.value });
        });
        box.append(b);
      }
      log.append(box);
    }
  }
  log.lastElementChild?.scrollIntoView({ block: 'end', behavior: 'smooth' });
}

async function send(body) {
  $('error').hidden = true;
  try {
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, conversationId: state.conversationId, language: state.language }),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.message || t('networkError'));
    state.conversationId = data.conversationId;
    sessionStorage.setItem('lotse.conversation', data.conversationId);
    state.labels = data.labels || state.labels;
    if (data.language !== state.language) applyLanguage(data.language);
    addBot(data.messages);
    return true;
  } catch (error) {
    $('error').textContent = error.message || t('networkError');
    $('error').hidden = false;
    return false;
  }
}

async function init() {
  const [locales, languages] = await Promise.all([fetch('/static/locales.json').then((r) => r.json()), fetch('/static/languages.json').then((r) => r.json())]);
  state.locales = locales;
  state.languages = languages;
  const select = $('language');
  for (const l of languages) select.append(el('option', { value: l.code, text: l.name }));
  const wanted = new URLSearchParams(location.search).get('lang');
  applyLanguage(languages.some((l) => l.code === wanted) ? wanted : 'de');
  select.addEventListener('change', () => {
    applyLanguage(select.value);
    send({ action: `lang:${select.value}` });
  });
  $('composer').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('input');
    const text = input.value.trim();
    if (!text) return;
    addUser(text);
    if (await send({ text })) input.value = '';
  });
  $('input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  if (wanted && languages.some((l) => l.code === wanted)) await send({ action: `lang:${wanted}` });
  else await send({ start: true });
}

init();
