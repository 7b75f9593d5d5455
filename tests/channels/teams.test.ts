import { PRIVACY_ACTIONS } from '../../dialogs/privacy.js';
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/app.js';
import { channelToken, fakeBotConnector, fakeBotFrameworkOpenId, type ConnectorMessage } from '../helpers/fakes.js';
import { createAccount } from '../../bot/inbox/auth.js';
import { DEFAULT_STAFF_FILE, loadStaffOrThrow } from '../../knowledge/staff.js';
import type { Outgoing } from '../../bot/render.js';

const NORD = '19:nord-channel@thread.tacv2';
const MITTE = '19:mitte-channel@thread.tacv2';
const TENANT = '0c5a1f3e-7d2b-4c8a-9e6f-112233445566';
const AAD = {
  petra: 'a1000000-0000-4000-8000-000000000001',
  jonas: 'a1000000-0000-4000-8000-000000000002',
  samir: 'a1000000-0000-4000-8000-000000000003',
  lea: 'a1000000-0000-4000-8000-000000000004',
  stranger: 'a1000000-0000-4000-8000-0000000000ff',
};
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const PASSWORD = 'correct horse battery';

/** The demo staff file with Teams channels for Team 1 Nord and Team 3 Mitte and Entra ids for four people. */
function staffFileWithTeams(connectorUrl: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lotse-staff-')), 'staff.yaml');
  const text = readFileSync(DEFAULT_STAFF_FILE, 'utf8')
    .replace('{ id: team-1-nord, coordinator: demo-nord-koordination }', `{ id: team-1-nord, coordinator: demo-nord-koordination, teams: { serviceUrl: "${connectorUrl}/", channelId: "${NORD}" } }`)
    .replace('{ id: team-3-mitte, coordinator: demo-mitte-koordination }', `{ id: team-3-mitte, coordinator: demo-mitte-koordination, teams: { serviceUrl: "${connectorUrl}/", channelId: "${MITTE}", tenantId: "${TENANT}" } }`)
    .replace('{ id: demo-nord-koordination,', `{ id: demo-nord-koordination, aadObjectId: "${AAD.petra}",`)
    .replace('{ id: demo-nord-1,', `{ id: demo-nord-1, aadObjectId: "${AAD.jonas}",`)
    .replace('{ id: demo-mitte-1,', `{ id: demo-mitte-1, aadObjectId: "${AAD.samir}",`)
    .replace('{ id: demo-mitte-2,', `{ id: demo-mitte-2, aadObjectId: "${AAD.lea}",`);
  writeFileSync(file, text);
  return file;
}

/** A person's conversation in the web chat, by actions and typed text. */
function chat(server: TestServer, conversationId: string) {
  return async (input: { text?: string; action?: string }) => {
    const r = await server.post('/api/chat', { conversationId, ...input });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { messages: Outgoing[] };
  };
}

const referenceIn = (body: { messages: Outgoing[] }) => /KIM-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(JSON.stringify(body.messages))?.[0] ?? '';

/** In German, from Goch (Team 3 Mitte): phone, name, household and a deadline, no transcript. */
async function handoverFromGoch(server: TestServer, conversationId: string): Promise<string> {
  const say = chat(server, conversationId);
  await say({ action: 'lang:de' });
  await say({ text: 'Ich suche einen Deutschkurs in Goch' });
  await say({ text: 'Ich möchte bitte mit einem Menschen sprechen' });
  await say({ text: 'ja' });
  await say({ action: 'intake:phone' });
  await say({ text: '02821 123456' });
  await say({ action: 'intake:morning' });
  await say({ text: 'Fatima Yilmaz' });
  await say({ action: 'intake:28-64' });
  await say({ text: 'mit meinen zwei Kindern (4 und 9)' });
  await say({ action: 'intake:right' });
  await say({ action: 'intake:deadline' });
  await say({ text: 'Brief vom Jobcenter, Termin am 3. Dezember' });
  await say({ action: 'intake:jobcenter' });
  await say({ action: 'intake:done' });
  await say({ action: 'intake:lang-de' });
  await say({ action: 'intake:not-said' });
  await say({ text: 'nein' });
  return referenceIn(await say({ action: 'intake:send' }));
}

/** In Arabic, from Kleve (Team 1 Nord): a crisis, so the record is urgent. */
async function urgentHandoverFromKleve(server: TestServer, conversationId: string): Promise<string> {
  const say = chat(server, conversationId);
  await say({ action: 'lang:ar' });
  await say({ text: 'زوجي يضربني وأنا خائفة، أسكن في كليفه' });
  await say({ action: 'person' });
  await say({ action: 'intake:yes' });
  await say({ action: 'intake:phone' });
  await say({ text: '٠١٥١ ٢٣٤٥٦٧٨٩' });
  await say({ action: 'intake:skip' });
  await say({ action: 'intake:right' });
  await say({ action: 'intake:yes' });
  return referenceIn(await say({ action: 'intake:send' }));
}

/** The invoke Teams sends when someone presses the card's "Übernehmen" (Action.Execute, Universal Actions). */
function claimInvoke(serviceUrl: string, card: ConnectorMessage, handoverId: string, aadObjectId: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `f:${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${aadObjectId}`, name: 'Teams user', aadObjectId },
    recipient: { id: '28:lotse-bot', name: 'Lotse' },
    conversation: { id: `${card.conversationId};messageid=${card.id}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, channel: { id: card.conversationId }, team: { id: '19:team@thread.tacv2' } },
    replyToId: card.id,
    locale: 'de-DE',
    value: { action: { type: 'Action.Execute', id: 'claim', verb: 'claim', data: { handoverId } }, trigger: 'manual' },
    ...extra,
  };
}

/** Every text on a card (TextBlocks and facts), for assertions. */
const cardText = (card: any): string => JSON.stringify(card.body);
const cardOf = (message: ConnectorMessage | undefined) => message?.activity.attachments.find((a: any) => a.contentType === ADAPTIVE)?.content;

describe('Teams: handover cards in the team channel, claimed from the card (anonymous, Emulator mode)', () => {
  let connector: Awaited<ReturnType<typeof fakeBotConnector>>;
  let server: TestServer;
  const proactive: Array<{ conversationId: string; messages: Outgoing[] }> = [];
  const conversationId = 'teams-test-goch-0001';
  let reference = '';
  let handoverId = '';

  beforeAll(async () => {
    connector = await fakeBotConnector([NORD, MITTE]);
    const staffFile = staffFileWithTeams(connector.url);
    server = await startServer({ STAFF_FILE: staffFile, BOT_ALLOW_ANONYMOUS: 'true', OUTBOX_INTERVAL_MS: '600000', RATE_LIMIT_PER_MINUTE: '1000', PUBLIC_URL: 'https://lotse.example.de' });
    const staff = loadStaffOrThrow(staffFile, server.app.kb.district);
    await createAccount(server.app.store, staff, { username: 'samir', password: PASSWORD, staffId: 'demo-mitte-1', role: 'case-manager' });
    await createAccount(server.app.store, staff, { username: 'lea', password: PASSWORD, staffId: 'demo-mitte-2', role: 'case-manager' });
    await createAccount(server.app.store, staff, { username: 'jonas', password: PASSWORD, staffId: 'demo-nord-1', role: 'case-manager' });
    server.app.proactive.register('web', async (id, messages) => void proactive.push({ conversationId: id, messages }));
  });
  afterAll(async () => {
    await server.close();
    await connector.close();
  });

  test('a handover for a unit with a Teams channel queues one card in the same transaction', async () => {
    reference = await handoverFromGoch(server, conversationId);
    expect(reference).not.toBe('');
    const [row] = await server.app.store.query<{ id: string; team_id: string }>('select id, team_id from handovers where reference = $1', [reference]);
    expect(row?.team_id).toBe('team-3-mitte');
    handoverId = row!.id;
    const queued = await server.app.store.query<{ kind: string; target: string; payload: unknown }>('select kind, target, payload from outbox where handover_id = $1', [handoverId]);
    expect(queued).toEqual([{ kind: 'teams', target: 'team-3-mitte', payload: { op: 'post' } }]);
  });

  test('the bot is not in the team yet (403): the outbox retries later, with backoff', async () => {
    connector.failNext(403);
    expect(await server.app.outbox.runOnce()).toBe(1); // attempted, refused, rescheduled
    expect(connector.messages).toHaveLength(0);
    const [failed] = await server.app.store.query<{ attempts: number; last_error: string; delivered_at: Date | null }>('select attempts, last_error, delivered_at from outbox where handover_id = $1', [handoverId]);
    expect(failed).toMatchObject({ attempts: 1, delivered_at: null });
    expect(failed?.last_error).toContain('roster');
    expect(await server.app.outbox.runOnce()).toBe(0); // not due yet
  });

  test('the connector fails once with 500: retried, the card is posted exactly once', async () => {
    await server.app.store.query('update outbox set next_attempt_at = now()');
    connector.failNext(500);
    expect(await server.app.outbox.runOnce()).toBe(1);
    expect(await server.app.outbox.runOnce()).toBe(0);
    expect(connector.calls.filter((c) => c.method === 'POST')).toHaveLength(3);
    expect(connector.messages).toHaveLength(1);
    expect(connector.messages[0]!.conversationId).toBe(MITTE);
    const [delivered] = await server.app.store.query<{ attempts: number; remote_id: string }>('select attempts, remote_id from outbox where handover_id = $1', [handoverId]);
    expect(delivered).toEqual({ attempts: 2, remote_id: connector.messages[0]!.id });
    // Anonymous mode: no app id, so no token was fetched and none sent.
    expect(connector.calls.every((c) => c.headers.authorization === undefined)).toBe(true);
  });

  test('the card: reference, urgency, case type, topics, due date, inbox link and a claim action; no personal data', () => {
    const activity = connector.messages[0]!.activity;
    expect(activity.type).toBe('message');
    expect(activity.channelData).toEqual({ tenant: { id: TENANT } });
    const card = cardOf(connector.messages[0]);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const facts = Object.fromEntries(card.body.find((b: any) => b.type === 'FactSet').facts.map((f: any) => [f.title, f.value]));
    expect(facts).toMatchObject({ Nummer: reference, Team: 'Team 3 Mitte', Dringlichkeit: 'Frist', 'Vorgeschlagene Fallart': 'Prozesshafte Begleitung', Status: 'neu' });
    expect(facts['Themen']).toContain('Integrationskurs');
    expect(facts['Kontakt bis']).toMatch(/^\p{L}{2}\., \d{1,2}\. \p{L}+ 20\d\d$/u);
    expect(card.actions).toEqual([
      { type: 'Action.Execute', title: 'Übernehmen', verb: 'claim', data: { handoverId } },
      { type: 'Action.OpenUrl', title: 'Im Eingang öffnen', url: `https://lotse.example.de/inbox#${handoverId}` },
    ]);
    const all = JSON.stringify(activity);
    for (const personal of ['Fatima', 'Yilmaz', '123456', '2821', 'Ich suche einen Deutschkurs', 'Kindern', 'Brief vom Jobcenter', 'Goch']) expect(all, personal).not.toContain(personal);
  });

  test('a claim from someone not known in the staff file is refused with a card; the record stays new', async () => {
    const res = await server.post('/api/messages', claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.stranger));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: ADAPTIVE, value: { type: 'AdaptiveCard' } });
    expect(cardText(res.body.value)).toContain('keinem aktiven Eingangskonto');
    const [row] = await server.app.store.query<{ status: string }>('select status from handovers where id = $1', [handoverId]);
    expect(row?.status).toBe('new');
  });

  test('a case manager of another team is refused; so is a known person from another tenant', async () => {
    const jonas = await server.post('/api/messages', claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.jonas));
    expect(jonas.status).toBe(200);
    expect(cardText(jonas.body.value)).toContain('anderen Team');
    const otherTenant = '99999999-9999-4999-8999-999999999999';
    const foreign = await server.post('/api/messages', claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.samir, { conversation: { id: MITTE, conversationType: 'channel', tenantId: otherTenant }, channelData: { tenant: { id: otherTenant } } }));
    expect(cardText(foreign.body.value)).toContain('keinem aktiven Eingangskonto');
    const trail = await server.app.store.query<{ actor: string; action: string; detail: any }>('select actor, action, detail from audit_log where handover_id = $1 order by id', [handoverId]);
    expect(trail.filter((a) => a.action === 'claim-refused').map((a) => a.detail.reason)).toEqual(['unknown-user', 'other-team', 'unknown-user']);
    expect((await server.app.store.query<{ status: string }>('select status from handovers where id = $1', [handoverId]))[0]?.status).toBe('new');
  });

  test('the team member claims from the card: claimed like in the inbox, the refreshed card comes back', async () => {
    const res = await server.post('/api/messages', claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.samir));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: ADAPTIVE });
    const card = res.body.value;
    expect(cardText(card)).toContain('Übernommen von Samir Haddad (Demo)');
    expect(card.actions.map((a: any) => a.type)).toEqual(['Action.OpenUrl']);

    const [row] = await server.app.store.query<{ status: string; claimed_by: string }>('select status, claimed_by from handovers where id = $1', [handoverId]);
    expect(row).toEqual({ status: 'claimed', claimed_by: 'demo-mitte-1' });
    const trail = await server.app.store.query<{ actor: string; action: string; detail: any }>("select actor, action, detail from audit_log where handover_id = $1 and action = 'claim'", [handoverId]);
    expect(trail).toEqual([{ actor: 'samir', action: 'claim', detail: { via: 'teams' } }]);
  });

  test('after the claim the person hears of it, and everyone in the channel sees the updated card', async () => {
    expect(await server.app.outbox.runOnce()).toBe(2);
    const message = proactive.find((p) => p.conversationId === conversationId);
    expect(JSON.stringify(message?.messages)).toContain(reference);
    expect(JSON.stringify(message?.messages)).toContain('Samir Haddad (Demo)');
    // Updated in place (PUT), not posted again.
    expect(connector.messages).toHaveLength(1);
    const updates = connector.messages[0]!.updates;
    expect(updates).toHaveLength(1);
    expect(cardText(updates[0].attachments[0].content)).toContain('Übernommen von Samir Haddad (Demo)');
  });

  test('pressed again by the same person the claim stands; by a colleague it is refused as taken', async () => {
    const again = await server.post('/api/messages', claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.samir));
    expect(cardText(again.body.value)).toContain('Übernommen von Samir Haddad (Demo)');
    expect(cardText(again.body.value)).not.toContain('bereits');
    const lea = await server.post('/api/messages', claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.lea));
    expect(cardText(lea.body.value)).toContain('Die Anfrage ist bereits übernommen.');
    expect(cardText(lea.body.value)).toContain('Übernommen von Samir Haddad (Demo)');
    expect((await server.app.store.query<{ claimed_by: string }>('select claimed_by from handovers where id = $1', [handoverId]))[0]?.claimed_by).toBe('demo-mitte-1');
  });

  test('chat messages still go to the chat path, other invokes are not answered', async () => {
    const message = { ...claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.samir), type: 'message', name: undefined, value: undefined, text: 'Hallo', deliveryMode: 'expectReplies', conversation: { id: 'a:personal-chat' } };
    const res = await server.post('/api/messages', message);
    expect(res.status).toBe(200);
    expect(res.body.activities.length).toBeGreaterThan(0);
    const other = await server.post('/api/messages', { ...claimInvoke(`${connector.url}/`, connector.messages[0]!, handoverId, AAD.samir), name: 'composeExtension/query' });
    expect(other.status).toBe(501);
  });

  test('an urgent handover mentions the team coordinator in its card', async () => {
    const urgent = await urgentHandoverFromKleve(server, 'teams-test-kleve-0002');
    expect(urgent).not.toBe('');
    expect(await server.app.outbox.runOnce()).toBe(1);
    const posted = connector.messages.find((m) => m.conversationId === NORD);
    const card = cardOf(posted);
    expect(cardText(card)).toContain(`Dringende Anfrage ${urgent}`);
    expect(cardText(card)).toContain('<at>Petra Janssen (Demo)</at>');
    expect(card.msteams.entities).toEqual([{ type: 'mention', text: '<at>Petra Janssen (Demo)</at>', mentioned: { id: AAD.petra, name: 'Petra Janssen (Demo)' } }]);
    expect(JSON.stringify(posted?.activity)).not.toMatch(/زوجي|15123456789|٠١٥١/);
  });

  test('a record the person asked to delete cannot be claimed from its card', async () => {
    const say = chat(server, 'teams-test-kleve-0003');
    const reference = await urgentHandoverFromKleve(server, 'teams-test-kleve-0003');
    await server.app.outbox.runOnce();
    const [row] = await server.app.store.query<{ id: string }>('select id from handovers where reference = $1', [reference]);
    await say({ text: 'احذف بياناتي' });
    await say({ action: PRIVACY_ACTIONS.yes });
    const posted = connector.messages.filter((m) => m.conversationId === NORD).at(-1)!;
    const res = await server.post('/api/messages', claimInvoke(`${connector.url}/`, posted, row!.id, AAD.jonas));
    expect(res.status).toBe(200);
    expect(cardText(res.body.value)).toContain('Löschung ihrer Daten beantragt');
    const [after] = await server.app.store.query<{ status: string; deletion_requested_at: Date | null }>('select status, deletion_requested_at from handovers where id = $1', [row!.id]);
    expect(after?.status).toBe('new');
    expect(after?.deletion_requested_at).not.toBeNull();
  });

  test('a withdrawn record: its card says so', async () => {
    const say = chat(server, conversationId);
    await say({ action: `withdraw:${reference}` });
    expect(await server.app.outbox.runOnce()).toBe(1);
    const updates = connector.messages[0]!.updates;
    expect(updates).toHaveLength(2);
    const card = updates[1].attachments[0].content;
    expect(cardText(card)).toContain('zurückgezogen');
    expect(card.actions).toBeUndefined();
  });
});

describe('Teams: a claim with a signed channel token', () => {
  const APP_ID = '8a6f0e2c-1234-4cde-9abc-0123456789ab';
  const ISSUER = 'https://api.botframework.test';
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceUrl = 'https://smba.trafficmanager.test/emea/';
  let openId: Awaited<ReturnType<typeof fakeBotFrameworkOpenId>>;
  let connector: Awaited<ReturnType<typeof fakeBotConnector>>;
  let server: TestServer;

  beforeAll(async () => {
    openId = await fakeBotFrameworkOpenId(keys.publicKey, 'test-key', ISSUER);
    connector = await fakeBotConnector([NORD, MITTE]);
    const staffFile = staffFileWithTeams(connector.url);
    // The outbox never runs here: with an app id it would ask Entra ID for a token.
    server = await startServer({
      STAFF_FILE: staffFile,
      OUTBOX_INTERVAL_MS: '600000',
      RATE_LIMIT_PER_MINUTE: '1000',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-used-in-this-test',
      ToBotFromChannelOpenIdMetadataUrl: openId.metadataUrl,
      ToBotFromChannelTokenIssuer: ISSUER,
    });
    await createAccount(server.app.store, loadStaffOrThrow(staffFile, server.app.kb.district), { username: 'jonas', password: PASSWORD, staffId: 'demo-nord-1', role: 'case-manager' });
  });
  afterAll(async () => {
    await server.close();
    await openId.close();
    await connector.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const token = () => channelToken({ iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now() - 10, exp: now() + 600 }, keys.privateKey, 'test-key');

  test('a valid token: the claim goes through; without one: 401 and nothing changes', async () => {
    const reference = await urgentHandoverFromKleve(server, 'teams-signed-kleve-0001');
    const [row] = await server.app.store.query<{ id: string }>('select id from handovers where reference = $1', [reference]);
    const card: ConnectorMessage = { id: '1763000000001', conversationId: NORD, activity: {}, updates: [] };
    const invoke = claimInvoke(serviceUrl, card, row!.id, AAD.jonas, { conversation: { id: `${NORD};messageid=1763000000001`, conversationType: 'channel' }, channelData: {} });

    expect((await server.post('/api/messages', invoke)).status).toBe(401);
    expect((await server.app.store.query<{ status: string }>('select status from handovers where id = $1', [row!.id]))[0]?.status).toBe('new');

    const res = await server.post('/api/messages', invoke, { authorization: `Bearer ${token()}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: ADAPTIVE });
    expect(cardText(res.body.value)).toContain('Übernommen von Jonas Verhoeven (Demo)');
    expect((await server.app.store.query<{ status: string; claimed_by: string }>('select status, claimed_by from handovers where id = $1', [row!.id]))[0]).toEqual({ status: 'claimed', claimed_by: 'demo-nord-1' });
    expect(connector.calls).toHaveLength(0);
  });
});
