// The chat page: Bot Framework Web Chat (served by us, see /static/webchat.js) on our own Direct Line.
// Deep links: /?lang=<code>&topic=<taxonomy topic id> open in that language and ask about the topic.
(function () {
  'use strict';
  const LOCALES = { de: 'de-DE', en: 'en-US', ar: 'ar-SA', fa: 'fa-IR', uk: 'uk-UA', ru: 'ru-RU', tr: 'tr-TR', pl: 'pl-PL', ro: 'ro-RO', bg: 'bg-BG' };
  const SESSION_KEY = 'lotse.directline';
  const params = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);
  const nonce = (document.querySelector('meta[name="csp-nonce"]') || {}).content;
  const state = { language: 'de', locales: {}, languages: [], config: {}, directLine: undefined, store: undefined };

  // The server renders the strings, with its retention period and the plural forms (/static/locales.json).
  function t(key) {
    return (state.locales[state.language] || {})[key] || (state.locales.de || {})[key] || '';
  }

  function dirOf(lang) {
    const info = state.languages.find((l) => l.code === lang);
    return info ? info.dir : 'ltr';
  }

  function applyLanguage(lang) {
    state.language = lang;
    document.documentElement.lang = lang;
    document.documentElement.dir = dirOf(lang);
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
    $('language').value = lang;
    $('language').setAttribute('aria-label', t('languageLabel'));
    try {
      sessionStorage.setItem('lotse.language', lang);
    } catch (e) {
      /* private mode: the language is just not remembered */
    }
  }

  function showError(key) {
    const box = $('error');
    box.textContent = t(key);
    box.hidden = false;
  }

  async function postJson(url, token) {
    const res = await fetch(url, { method: 'POST', headers: Object.assign({ 'content-type': 'application/json' }, token ? { authorization: 'Bearer ' + token } : {}), body: '{}' });
    if (!res.ok) throw Object.assign(new Error('HTTP ' + res.status), { status: res.status });
    return res.json();
  }

  /** Resumes this tab's conversation when its token is still valid, else starts a new one. */
  async function connect() {
    let saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    } catch (e) {
      saved = null;
    }
    if (saved && saved.token && saved.conversationId && !params.has('topic')) {
      try {
        const refreshed = await postJson('/v3/directline/tokens/refresh', saved.token);
        const session = { conversationId: refreshed.conversationId, token: refreshed.token, userId: saved.userId };
        sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
        return Object.assign(session, { resumed: true });
      } catch (e) {
        /* expired or unknown: start anew */
      }
    }
    const fresh = await postJson('/api/webchat/token');
    const session = { conversationId: fresh.conversationId, token: fresh.token, userId: fresh.userId };
    try {
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    } catch (e) {
      /* not remembered */
    }
    return Object.assign(session, { resumed: false });
  }

  const styleOptions = {
    accent: '#0b5394',
    primaryFont: 'system-ui, "Noto Sans", "Noto Sans Arabic", sans-serif',
    bubbleBorderRadius: 12,
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserBackground: '#0b5394',
    bubbleFromUserTextColor: '#ffffff',
    bubbleBackground: '#eef3f9',
    botAvatarInitials: 'L',
    hideUploadButton: true,
    suggestedActionLayout: 'flow',
    suggestedActionBorderRadius: 16,
    richCardWrapTitle: true,
    sendBoxButtonColor: '#0b5394',
  };

  function render() {
    window.WebChat.renderWebChat(
      {
        directLine: state.directLine,
        store: state.store,
        userID: state.session.userId,
        locale: LOCALES[state.language] || 'de-DE',
        dir: dirOf(state.language),
        nonce: nonce,
        styleOptions: Object.assign({}, styleOptions, { maxMessageLength: state.config.maxMessageChars || 2000 }),
      },
      $('webchat'),
    );
  }

  async function main() {
    const [locales, languages, config] = await Promise.all(['/static/locales.json', '/static/languages.json', '/static/config.json'].map((u) => fetch(u).then((r) => r.json())));
    state.locales = locales;
    state.languages = languages;
    state.config = config;
    const select = $('language');
    for (const l of languages) {
      const option = document.createElement('option');
      option.value = l.code;
      option.textContent = l.name;
      option.lang = l.code;
      select.append(option);
    }
    const known = (code) => languages.some((l) => l.code === code);
    let remembered = null;
    try {
      remembered = sessionStorage.getItem('lotse.language');
    } catch (e) {
      remembered = null;
    }
    const browser = (navigator.languages || []).map((l) => l.slice(0, 2)).find(known);
    const wanted = [params.get('lang'), remembered, browser].find((c) => c && known(c)) || 'de';
    applyLanguage(wanted);
    if (!window.WebChat) return showError('networkError');

    try {
      state.session = await connect();
    } catch (e) {
      return showError(e && e.status === 429 ? 'rateLimited' : 'networkError');
    }
    const topic = params.get('topic');
    const join = { language: state.language };
    if (topic && /^[a-z0-9.-]{1,100}$/.test(topic)) join.topic = topic;
    state.store = window.WebChat.createStore({}, function () {
      return function (next) {
        return function (action) {
          // A new conversation starts in the page's language (and with a deep-linked topic).
          if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && !state.session.resumed && !state.joined) {
            state.joined = true;
            setTimeout(function () {
              state.store.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'lotse/join', value: join } });
            }, 0);
          }
          return next(action);
        };
      };
    });
    state.directLine = window.WebChat.createDirectLine(
      Object.assign({ token: state.session.token, domain: location.origin + '/v3/directline', webSocket: true }, state.session.resumed ? { conversationId: state.session.conversationId } : {}),
    );
    render();

    select.addEventListener('change', function () {
      const lang = select.value;
      if (!known(lang) || lang === state.language) return;
      applyLanguage(lang);
      render();
      const name = (languages.find((l) => l.code === lang) || {}).name || lang;
      state.store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE_BACK', payload: { value: { action: 'lang:' + lang }, displayText: name } });
    });
  }

  main().catch(function () {
    showError('networkError');
  });
})();
