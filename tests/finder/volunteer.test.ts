import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { engineDeps } from '../helpers/engine.js';
import { runTurn } from '../../dialogs/engine.js';
import { initialState } from '../../dialogs/state.js';
import type { Reply } from '../../dialogs/replies.js';
import { startServer, type TestServer } from '../helpers/app.js';
import type { LANGUAGES } from '../../knowledge/schema.js';

const deps = engineDeps();

/** Volunteers asking for someone, in a sentence with a need around the cue. */
const ON_BEHALF: Array<[(typeof LANGUAGES)[number], string]> = [
  ['de', 'Guten Tag, ich frage für eine Familie aus Afghanistan, die einen Kita-Platz sucht'],
  ['en', 'Hi, I am asking on behalf of a family from Syria who need a German course'],
  ['ar', 'مرحبا، أسأل نيابة عن عائلة تبحث عن روضة للأطفال'],
  ['fa', 'سلام، برای یک خانواده میپرسم که دنبال کورس آلمانی هستند'],
  ['uk', 'Добрий день, питаю для сусідки, вона шукає курс німецької мови'],
  ['ru', 'Здравствуйте, я волонтер, семья ищет место в детском саду'],
  ['tr', 'Merhaba, komşum için soruyorum, çocuğu için kreş arıyor'],
  ['pl', 'Dzień dobry, pytam w imieniu rodziny, która szuka kursu niemieckiego'],
  ['ro', 'Bună ziua, sunt voluntară și ajut o familie care caută un curs de germană'],
  ['bg', 'Здравейте, питам за съседката си, тя търси курс по немски'],
];

/** Own needs, also about family and volunteering: not volunteer mode. */
const OWN: string[] = ['Ich suche einen Deutschkurs für mich', 'Meine Familie braucht eine größere Wohnung', 'Ich möchte ehrenamtlich helfen', 'I want to volunteer at a sports club', 'أريد دورة لغة ألمانية', 'Ich habe eine Frage zur Familienkasse'];

describe('understanding: asking on behalf of someone', () => {
  test.each(ON_BEHALF)('%s: %s', (language, text) => {
    const u = deps.understanding.understand({ text });
    expect(u.language).toBe(language);
    expect(u.onBehalf).toBe(true);
  });
  test.each(OWN)('not on behalf: %s', (text) => {
    expect(deps.understanding.understand({ text }).onBehalf).toBe(false);
  });
});

const keys = (replies: Reply[]) => replies.flatMap((r) => (r.type === 'text' ? [r.message.key] : r.type === 'services' ? ['<services>'] : []));

describe('the chat in volunteer mode', () => {
  test('saying it alone switches the mode on and asks what it is about', () => {
    const first = runTurn(deps, { ...initialState('de'), languageChosen: true }, { kind: 'message', text: 'Ich frage für eine Familie' });
    expect(first.state.onBehalf).toBe(true);
    expect(keys(first.replies)).toContain('finder:volunteer.noted');
  });

  /** The role alone introduces the writer: no volunteering services, the mode, and the question what it is about. */
  test.each([
    ['de', 'Ich bin Ehrenamtliche'],
    ['de', 'hallo ich bin ehrenamtlicher helfer'],
    ['en', 'I am a volunteer'],
    ['ru', 'я волонтер'],
    ['ar', 'أنا متطوعة'],
    ['tr', 'merhaba ben gönüllüyüm'],
  ])('%s: "%s" alone switches the mode on, with no volunteering offers', (language, text) => {
    const u = deps.understanding.understand({ text });
    expect(u.onBehalf).toBe(true);
    expect(u.topics.map((t) => t.id)).not.toContain('community');
    expect(u.outOfScope).toBe(false);
    const first = runTurn(deps, { ...initialState(language as (typeof LANGUAGES)[number]), languageChosen: true }, { kind: 'message', text });
    expect(keys(first.replies)).toEqual(['finder:volunteer.noted']);
    expect(first.state.onBehalf).toBe(true);
  });

  test('a volunteer is asked where the family lives and how old the person is, not where they live themselves', () => {
    const first = runTurn(deps, { ...initialState('de'), languageChosen: true }, { kind: 'message', text: 'Ich bin Ehrenamtliche' });
    const town = runTurn(deps, first.state, { kind: 'message', text: 'Die Familie sucht einen Kitaplatz' });
    expect(keys(town.replies)).toEqual(['town.askOnBehalf']);
    const unknown = runTurn(deps, town.state, { kind: 'message', text: 'Emsdetten' });
    expect(unknown.replies.flatMap((r) => (r.type === 'actions' ? r.actions.map((a) => ('key' in a.label ? a.label.key : a.label.text)) : []))).toEqual(['town.elsewhereButtonOnBehalf']);
    // A town the district file knows to be outside needs no button.
    const outside = runTurn(deps, town.state, { kind: 'message', text: 'Düsseldorf' });
    // No Kita is reachable from anywhere: said once, with the local services to ask.
    expect(keys(outside.replies)[0]).toBe('town.elsewhereNothing');
    expect(outside.state.outsideDistrict).toBe(true);
    const age = runTurn(deps, first.state, { kind: 'message', text: 'Der Sohn sucht Beratung beim Migrationsdienst' });
    expect(keys(age.replies)).toEqual(['age.askOnBehalf']);
  });

  test('a volunteer who wants to volunteer more still gets the volunteering offers', () => {
    const u = deps.understanding.understand({ text: 'ich bin ehrenamtlich tätig und suche einen sportverein für die kinder der familie' });
    expect(u.onBehalf).toBe(true);
    expect(u.topics[0]?.id).toBe('community');
  });

  test('later answers carry the referral-sheet link for exactly the services shown', () => {
    const first = runTurn(deps, { ...initialState('de'), languageChosen: true }, { kind: 'message', text: 'Ich frage für meine Nachbarin' });
    const second = runTurn(deps, first.state, { kind: 'message', text: 'Sie sucht einen Integrationskurs mit Kinderbetreuung in Kleve' });
    expect(second.state.onBehalf).toBe(true);
    const services = second.replies.find((r) => r.type === 'services');
    expect(services && services.type === 'services' && services.onBehalf).toBe(true);
    const link = second.replies.find((r) => r.type === 'text' && r.message.key === 'finder:volunteer.sheetLink');
    expect(link).toBeDefined();
    const url = new URL(String(link!.type === 'text' && link!.message.params!['url']), 'http://x');
    expect(url.pathname).toBe('/finder/sheet');
    expect(url.searchParams.get('ids')!.split(',')).toEqual(services!.type === 'services' ? services!.entryIds : []);
  });

  test('without the cue no sheet link is added', () => {
    const result = runTurn(deps, { ...initialState('de'), languageChosen: true, municipality: 'kleve' }, { kind: 'message', text: 'Ich suche einen Integrationskurs' });
    expect(result.state.onBehalf).toBe(false);
    expect(keys(result.replies)).toContain('<services>');
    expect(keys(result.replies)).not.toContain('finder:volunteer.sheetLink');
  });
});

describe('volunteer mode end to end over /api/chat', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => server.close());

  test('an Arabic volunteer gets eligibility details, and the sheet link opens an Arabic–German sheet', async () => {
    const first = await server.post('/api/chat', { text: 'أسأل نيابة عن عائلة في Kleve، يبحثون عن دورة اندماج' });
    expect(first.status).toBe(200);
    expect(first.body.language).toBe('ar');
    const services = first.body.messages.find((m: { type: string }) => m.type === 'services');
    expect(services?.cards.length).toBeGreaterThan(0);
    for (const card of services.cards) {
      expect(card.eligibility).toEqual(expect.any(String));
      expect(card.sheetUrl).toBe(`/finder/sheet?ids=${card.id}&lang=ar`);
    }
    const texts: string[] = first.body.messages.filter((m: { type: string }) => m.type === 'text').map((m: { text: string }) => m.text);
    const line = texts.find((t) => t.includes('/finder/sheet?ids='));
    expect(line).toBeDefined();
    const path = line!.match(/\/finder\/sheet\?\S+/)![0];
    const sheet = await fetch(`${server.url}${path}`);
    expect(sheet.status).toBe(200);
    const html = await sheet.text();
    for (const card of services.cards) expect(html).toContain(`id="service-${card.id}"`);
    expect(html).toContain('lang="ar" dir="rtl"');
  });

  test('a chat without the cue shows no volunteer extras', async () => {
    const res = await server.post('/api/chat', { text: 'Ich suche einen Integrationskurs in Kleve' });
    const services = res.body.messages.find((m: { type: string }) => m.type === 'services');
    expect(services?.cards.length).toBeGreaterThan(0);
    for (const card of services.cards) expect(card.sheetUrl).toBeUndefined();
  });
});

describe('with PUBLIC_URL set', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PUBLIC_URL: 'https://lotse.example.de/' });
  });
  afterAll(async () => server.close());

  test('the referral-sheet link in the chat is absolute, so it opens from Telegram or Teams too', async () => {
    const res = await server.post('/api/chat', { text: 'I am asking for a family in Kleve, they need a German course' });
    const texts: string[] = res.body.messages.filter((m: { type: string }) => m.type === 'text').map((m: { text: string }) => m.text);
    expect(texts.join('\n')).toMatch(/https:\/\/lotse\.example\.de\/finder\/sheet\?ids=\S+&lang=en/);
  });
});
