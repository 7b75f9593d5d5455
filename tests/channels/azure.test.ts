import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { startServer, type TestServer } from '../helpers/app.js';
import { channelToken as jwt, fakeBotFrameworkOpenId, startFake } from '../helpers/fakes.js';

const APP_ID = '8a6f0e2c-1234-4cde-9abc-0123456789ab';
const ISSUER = 'https://api.botframework.test';

function activity(serviceUrl: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `act-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user-1', name: 'Olena' },
    recipient: { id: `28:${APP_ID}`, name: 'Lotse' },
    conversation: { id: 'a:conversation-1' },
    locale: 'de-DE',
    text: 'Ich suche einen Integrationskurs in Kleve',
    ...overrides,
  };
}

describe('/api/messages with authentication (signed test token)', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let openId: Awaited<ReturnType<typeof fakeBotFrameworkOpenId>>;
  let server: TestServer;
  const serviceUrl = 'https://smba.trafficmanager.test/emea/';

  beforeAll(async () => {
    openId = await fakeBotFrameworkOpenId(keys.publicKey, 'test-key', ISSUER);
    server = await startServer({
      RATE_LIMIT_PER_MINUTE: '1000',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-used-in-this-test',
      ToBotFromChannelOpenIdMetadataUrl: openId.metadataUrl,
      ToBotFromChannelTokenIssuer: ISSUER,
    });
  });
  afterAll(async () => {
    await server.close();
    await openId.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now() - 10, exp: now() + 600, ...extra });

  test('a valid channel token is accepted and the turn answered (expectReplies)', async () => {
    const token = jwt(claims(), keys.privateKey, 'test-key');
    const res = await server.post('/api/messages', activity(serviceUrl, { deliveryMode: 'expectReplies' }), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const replies = res.body.activities as any[];
    expect(replies.length).toBeGreaterThan(0);
    const card = replies.flatMap((a) => a.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    expect(card).toBeDefined();
    expect(card.content.actions.some((a: any) => a.type === 'Action.OpenUrl')).toBe(true);
    const stored = await server.app.store.query<{ channel: string }>("select channel from conversations where id like 'az-%'");
    expect(stored.map((r) => r.channel)).toContain('azure');
  });

  test('no token, a token signed by another key, for another app or expired: 401', async () => {
    const body = activity(serviceUrl, { deliveryMode: 'expectReplies' });
    expect((await server.post('/api/messages', body)).status).toBe(401);
    expect((await server.post('/api/messages', body, { authorization: `Bearer ${jwt(claims(), stranger.privateKey, 'test-key')}` })).status).toBe(401);
    expect((await server.post('/api/messages', body, { authorization: `Bearer ${jwt(claims({ aud: 'someone-else' }), keys.privateKey, 'test-key')}` })).status).toBe(401);
    expect((await server.post('/api/messages', body, { authorization: `Bearer ${jwt(claims({ exp: now() - 3600, nbf: now() - 7200 }), keys.privateKey, 'test-key')}` })).status).toBe(401);
  });

  test('a token for another service URL is refused', async () => {
    const token = jwt(claims({ serviceurl: 'https://elsewhere.test/' }), keys.privateKey, 'test-key');
    expect((await server.post('/api/messages', activity(serviceUrl, { deliveryMode: 'expectReplies' }), { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('/api/messages anonymous (auth off, Emulator mode)', () => {
  let connector: Awaited<ReturnType<typeof startFake>>;
  let server: TestServer;

  beforeAll(async () => {
    // The Bot Connector API of the channel (Emulator): replies arrive here.
    let n = 0;
    connector = await startFake(() => ({ body: { id: `reply-${++n}` } }));
    server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000', BOT_ALLOW_ANONYMOUS: 'true' });
  });
  afterAll(async () => {
    await server.close();
    await connector.close();
  });

  const posted = () => connector.calls.filter((c) => c.method === 'POST' && /\/v3\/conversations\/.+\/activities/.test(c.path)).map((c) => c.body);

  test('a message is answered through the Connector API, with hero cards for Telegram via Azure', async () => {
    const res = await server.post('/api/messages', activity(`${connector.url}/`, { channelId: 'telegram', conversation: { id: '777' } }));
    expect(res.status).toBe(200);
    const replies = posted();
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.flatMap((a) => a.attachments ?? []).map((a: any) => a.contentType)).toContain('application/vnd.microsoft.card.hero');
    expect(replies.at(-1).suggestedActions.actions[0].type).toBe('postBack');
  });

  test('on a channel without cards: plain text with numbered options, and a number picks the option', async () => {
    connector.calls.length = 0;
    const base = activity(`${connector.url}/`, { channelId: 'sms', conversation: { id: '+4915112345678' }, text: 'Hallo' });
    await server.post('/api/messages', base);
    const first = posted();
    expect(first.every((a) => !a.attachments?.length)).toBe(true);
    expect(first.map((a) => a.text).join('\n')).toMatch(/^1\. /m);
    connector.calls.length = 0;
    await server.post('/api/messages', { ...base, id: 'sms-2', text: '1' });
    expect(posted().length).toBeGreaterThan(0);
  });

  test('the same activity id twice is processed once', async () => {
    connector.calls.length = 0;
    const once = activity(`${connector.url}/`, { id: 'dup-1', conversation: { id: 'dup-conv' } });
    await server.post('/api/messages', once);
    const count = posted().length;
    await server.post('/api/messages', once);
    expect(posted().length).toBe(count);
  });

  test('a service URL that is not local is refused without an app id', async () => {
    expect(await server.post('/api/messages', activity('https://attacker.example/'))).toMatchObject({ status: 403, body: { error: 'service_url_not_local' } });
  });

  test('proactive messages continue the stored conversation', async () => {
    connector.calls.length = 0;
    await server.post('/api/messages', activity(`${connector.url}/`, { id: 'pro-1', conversation: { id: 'pro-conv' }, text: 'Hallo' }));
    const [row] = await server.app.store.query<{ conversation_id: string }>('select conversation_id from channel_references order by updated_at desc limit 1');
    connector.calls.length = 0;
    expect(await server.app.proactive.send('azure', row!.conversation_id, [{ type: 'text', text: 'Eine Beraterin meldet sich.' }], 'de')).toBe(true);
    expect(posted()).toEqual([expect.objectContaining({ text: 'Eine Beraterin meldet sich.', conversation: expect.objectContaining({ id: 'pro-conv' }) })]);
  });
});
