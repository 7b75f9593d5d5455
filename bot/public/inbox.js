// The case managers' inbox: German UI from locales/de/inbox.json, every value set as text (never HTML).
const $ = (id) => document.getElementById(id);
let strings = {};
let csrf = '';

function t(key, params = {}) {
  const value = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), strings);
  if (typeof value !== 'string') return key;
  return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => String(params[k] ?? ''));
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const languageName = (code) => new Intl.DisplayNames(['de'], { type: 'language' }).of(code) ?? code;
const when = (iso) => new Date(iso).toLocaleString('de-DE', { dateStyle: 'short', timeStyle: 'short' });

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    credentials: 'same-origin',
  });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (res.status === 401 && path !== '/api/inbox/login') {
    showSignIn(t('error.session'));
    throw new Error('unauthenticated');
  }
  if (!res.ok) throw Object.assign(new Error(body?.error ?? String(res.status)), { status: res.status, reason: body?.error });
  return body;
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

function showSignIn(message = '') {
  csrf = '';
  $('signin').hidden = false;
  $('list').hidden = true;
  $('detail').hidden = true;
  $('signout').hidden = true;
  $('who').textContent = '';
  showError(message);
  $('signin').querySelector('input[name=username]').focus();
}

function signedIn(user, demo) {
  $('signin').hidden = true;
  $('signout').hidden = false;
  $('demo').hidden = !demo;
  $('who').textContent = t('signedInAs', { name: user.name, role: t(`roles.${user.role}`) });
  showError('');
  route();
}

async function loadList() {
  const status = $('status').value;
  const { items } = await api(`/api/inbox/handovers${status ? `?status=${encodeURIComponent(status)}` : ''}`);
  const rows = $('rows');
  rows.replaceChildren(
    ...items.map((item) => {
      const open = () => (location.hash = item.id);
      return el(
        'tr',
        { tabindex: '0', 'data-id': item.id, onclick: open, onkeydown: (e) => e.key === 'Enter' && open() },
        el('td', {}, item.reference),
        el('td', { class: `urgency-${item.urgency}` }, t(`urgency.${item.urgency}`)),
        el('td', {}, when(item.createdAt)),
        el('td', {}, item.topics.join(', ')),
        el('td', {}, item.municipality ?? '–'),
        el('td', {}, t(`status.${item.status}`), item.outcome ? ` (${t(`outcome.${item.outcome}`)})` : '', item.deletionRequestedAt ? el('span', { class: 'badge deletion' }, t('list.deletionRequested')) : null),
        el('td', {}, item.claimedBy ?? item.assignee ?? '–'),
        el('td', { class: item.overdue ? 'overdue' : '' }, when(item.expectedContactBy), item.overdue ? ` – ${t('list.overdue')}` : ''),
      );
    }),
  );
  $('empty').hidden = items.length > 0;
  $('list').hidden = false;
  $('detail').hidden = true;
}

async function act(path, body) {
  try {
    await api(path, { method: 'POST', body: JSON.stringify(body ?? {}) });
    await loadDetail(location.hash.slice(1));
  } catch (e) {
    if (e.message !== 'unauthenticated') showError(t('error.generic', { reason: e.reason ?? e.message }));
  }
}

async function loadDetail(id) {
  const { item } = await api(`/api/inbox/handovers/${encodeURIComponent(id)}`);
  const r = item.record;
  const section = $('detail');
  const parts = [
    el('button', { type: 'button', class: 'secondary', onclick: () => (location.hash = '') }, t('detail.back')),
    el('h2', {}, `${item.reference} · ${item.unitName}`),
    el('p', {}, el('span', { class: `urgency-${item.urgency}` }, t(`urgency.${item.urgency}`)), ' · ', t(`status.${item.status}`), item.claimedBy ? ` · ${t('detail.claimedBy', { name: item.claimedBy })}` : ''),
  ];
  if (item.deletionRequestedAt && !item.anonymised) {
    parts.push(
      el('div', { class: 'card deletion', role: 'note' },
        el('p', {}, el('span', { class: 'badge deletion' }, t('list.deletionRequested'))),
        el('p', {}, t('detail.deletionRequested', { at: when(item.deletionRequestedAt), due: when(item.deletionDueAt) })),
        el('button', { type: 'button', id: 'erase', onclick: () => window.confirm(t('detail.eraseConfirm')) && act(`/api/inbox/handovers/${item.id}/erase`) }, t('detail.erase')),
      ),
    );
  }
  if (!r) {
    parts.push(el('p', { class: 'card' }, t(item.anonymised ? (item.deletionRequestedAt ? 'detail.erased' : 'detail.anonymised') : 'detail.withdrawn')));
  } else {
    parts.push(
      el('div', { class: 'card' }, el('h3', {}, t('detail.summary')), el('ul', {}, r.summaryDe.map((line) => el('li', {}, line)))),
      el('div', { class: 'card' }, el('h3', {}, t('detail.ownWords')), r.concerns.map((c) => el('div', {}, c.topicDe ? el('p', { class: 'muted' }, c.topicDe) : null, el('p', { class: 'own', lang: r.conversationLanguage, dir: 'auto' }, c.words)))),
      el('div', { class: 'card' },
        el('p', {}, el('strong', {}, `${t('detail.caseType')}: `), `${r.caseType.label} – ${r.caseType.reason}`),
        el('p', {}, el('strong', {}, `${t('detail.contact')}: `), [r.name, r.contact.phone, r.contact.email, r.contact.time].filter(Boolean).join(' · ') || r.contact.method),
        el('p', {}, el('strong', {}, `${t('detail.language')}: `), languageName(r.preferredLanguage), r.interpreter ? ` – ${t('detail.interpreter')}` : ''),
        el('p', { class: 'muted' }, `${t('detail.consent')}: `, t('detail.consentLine', { version: r.consent.version, language: languageName(r.consent.language), at: when(r.consent.at) })),
      ),
      el('div', { class: 'card transcript' }, el('h3', {}, t('detail.transcript')), r.transcript ? r.transcript.map((m) => el('p', { class: m.role, dir: 'auto' }, `${m.role === 'user' ? '›' : '‹'} ${m.text}`)) : el('p', { class: 'muted' }, r.transcriptRemovedAt ? t('detail.transcriptRemoved', { at: when(r.transcriptRemovedAt) }) : t('detail.noTranscript'))),
    );
  }
  const actions = el('div', { class: 'actions card' });
  if (item.status === 'new' && !item.deletionRequestedAt) actions.append(el('button', { type: 'button', id: 'claim', onclick: () => act(`/api/inbox/handovers/${item.id}/claim`) }, t('detail.claim')));
  if (item.status === 'claimed') actions.append(el('button', { type: 'button', id: 'contacted', onclick: () => act(`/api/inbox/handovers/${item.id}/status`, { status: 'contacted' }) }, t('detail.contacted')));
  if (item.status === 'claimed' || item.status === 'contacted') {
    const select = el('select', { id: 'outcome' }, ['referred', 'accompanied', 'case-management', 'not-reached'].map((o) => el('option', { value: o }, t(`outcome.${o}`))));
    actions.append(el('label', {}, t('detail.outcomeLabel'), select), el('button', { type: 'button', id: 'close', onclick: () => act(`/api/inbox/handovers/${item.id}/status`, { status: 'closed', outcome: select.value }) }, t('detail.close')));
  }
  if (r && !item.deletionRequestedAt) actions.append(el('a', { href: `/api/inbox/handovers/${item.id}/export`, download: `${item.reference}.json` }, t('detail.export')));
  parts.push(actions);
  if (item.status !== 'withdrawn' && !item.anonymised) {
    const note = el('textarea', { id: 'note', rows: '3', maxlength: '4000', placeholder: t('detail.notePlaceholder'), 'aria-label': t('detail.notes') });
    parts.push(
      el('div', { class: 'card' },
        el('h3', {}, t('detail.notes')),
        el('ul', {}, item.notes.map((n) => el('li', {}, `${when(n.created_at)} ${n.author}: `, el('span', { class: 'own' }, n.body)))),
        note,
        el('button', { type: 'button', id: 'save-note', onclick: () => note.value.trim() && act(`/api/inbox/handovers/${item.id}/notes`, { text: note.value }) }, t('detail.addNote')),
      ),
    );
  }
  parts.push(el('details', { class: 'card' }, el('summary', {}, t('detail.audit')), el('ul', {}, item.audit.map((a) => el('li', { class: 'muted' }, `${when(a.at)} ${a.actor}: ${a.action}`)))));
  section.replaceChildren(...parts);
  section.hidden = false;
  $('list').hidden = true;
}

async function route() {
  const id = location.hash.slice(1);
  try {
    if (id) await loadDetail(id);
    else await loadList();
  } catch (e) {
    if (e.message !== 'unauthenticated') showError(t('error.generic', { reason: e.reason ?? e.message }));
  }
}

async function start() {
  strings = await (await fetch('/static/inbox-locale.json')).json();
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  $('signin').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    try {
      const body = await api('/api/inbox/login', { method: 'POST', body: JSON.stringify({ username: form.get('username'), password: form.get('password') }) });
      csrf = body.csrf;
      e.target.reset();
      const me = await api('/api/inbox/me');
      signedIn(me.user, me.demo);
    } catch (err) {
      showError(err.status === 429 ? t('signIn.tooMany') : t('signIn.failed'));
    }
  });
  $('signout').addEventListener('click', async () => {
    await api('/api/inbox/logout', { method: 'POST', body: '{}' }).catch(() => {});
    showSignIn();
  });
  $('status').addEventListener('change', () => loadList().catch(() => {}));
  $('refresh').addEventListener('click', () => route());
  window.addEventListener('hashchange', () => csrf && route());
  try {
    const me = await api('/api/inbox/me');
    csrf = me.csrf;
    signedIn(me.user, me.demo);
  } catch {
    /* showSignIn already ran */
  }
}

start();
