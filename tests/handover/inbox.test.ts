import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/app.js';
import { createAccount } from '../../bot/inbox/auth.js';
import { signature } from '../../bot/handover/outbox.js';
import { DEFAULT_STAFF_FILE } from '../../knowledge/staff.js';
import type { Outgoing } from '../../bot/render.js';

const SECRET = 'test-secret-0123456789abcdef';

/** A team's webhook receiver on loopback: answers 500 to the first delivery, then 200. */
async function fakeReceiver(): Promise<{ url: string; received: Array<{ headers: IncomingMessage['headers']; body: string }>; attempts: number; close(): Promise<void> }> {
  const state = { received: [] as Array<{ headers: IncomingMessage['headers']; body: string }>, attempts: 0 };
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    state.attempts++;
    if (state.attempts === 1) {
      res.writeHead(500).end();
      return;
    }
    state.received.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get received() {
      return state.received;
    },
    get attempts() {
      return state.attempts;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A browser-like client: keeps the session cookie and the CSRF token. */
class Client {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.cookie ? { cookie: this.cookie } : {}), ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }
  async login(username: string, password: string) {
    const r = await this.call('POST', '/api/inbox/login', { username, password });
    if (r.status === 200) this.csrf = r.body.csrf;
    return r;
  }
}

describe('warm handover to the inbox', () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof fakeReceiver>>;
  const proactive: Array<{ conversationId: string; messages: Outgoing[]; language: string }> = [];

  beforeAll(async () => {
    receiver = await fakeReceiver();
    // The demo staff file with a webhook for Team 1 Nord.
    const dir = mkdtempSync(join(tmpdir(), 'lotse-staff-'));
    const staffFile = join(dir, 'staff.yaml');
    writeFileSync(staffFile, readFileSync(DEFAULT_STAFF_FILE, 'utf8').replace('- { id: team-1-nord, coordinator: demo-nord-koordination }', `- { id: team-1-nord, coordinator: demo-nord-koordination, webhook: { url: "${receiver.url}", secretEnv: LOTSE_WEBHOOK_SECRET_NORD } }`));
    server = await startServer({ STAFF_FILE: staffFile, LOTSE_WEBHOOK_SECRET_NORD: SECRET, OUTBOX_INTERVAL_MS: '600000', SECURE_COOKIES: 'false' });
    const staff = (await import('../../knowledge/staff.js')).loadStaffOrThrow(staffFile, server.app.kb.district);
    await createAccount(server.app.store, staff, { username: 'jonas', password: 'correct horse battery', staffId: 'demo-nord-1', role: 'case-manager' });
    await createAccount(server.app.store, staff, { username: 'petra', password: 'correct horse battery', staffId: 'demo-nord-koordination', role: 'coordinator' });
    await createAccount(server.app.store, staff, { username: 'samir', password: 'correct horse battery', staffId: 'demo-mitte-1', role: 'case-manager' });
    server.app.proactive.register('web', async (conversationId, messages, language) => void proactive.push({ conversationId, messages, language }));
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const conversationId = 'handover-test-conversation-0001';
  async function say(input: { text?: string; action?: string }) {
    const r = await server.post('/api/chat', { conversationId, ...input });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { language: string; messages: Outgoing[] };
  }
  const texts = (body: { messages: Outgoing[] }) => body.messages.flatMap((m) => (m.type === 'text' ? [m.text] : []));

  let handoverId = '';
  let reference = '';

  test('an Arabic conversation ends in a handover with a reference, team and date', async () => {
    await say({ action: 'lang:ar' });
    await say({ text: 'أبحث عن روضة لابني في كليفه' });
    const consent = await say({ action: 'person' });
    expect(texts(consent).join('\n')).toContain('Team 1 Nord');
    await say({ action: 'intake:yes' });
    await say({ action: 'intake:chat' });
    await say({ text: 'أم أحمد' });
    await say({ action: 'intake:28-64' });
    await say({ action: 'intake:skip' });
    await say({ action: 'intake:right' });
    await say({ action: 'intake:normal' });
    await say({ action: 'intake:none' });
    await say({ action: 'intake:lang-ar' });
    await say({ action: 'intake:yes' });
    await say({ action: 'intake:skip' });
    const summary = await say({ action: 'intake:yes' });
    expect(texts(summary).join('\n')).toContain('أم أحمد');
    const sent = await say({ action: 'intake:send' });
    const line = texts(sent).join('\n');
    reference = /KIM-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(line)?.[0] ?? '';
    expect(reference).not.toBe('');
    expect(line).toContain('Team 1 Nord');
    const rows = await server.app.store.query<{ id: string; team_id: string; assignee: string; status: string; record: any }>('select * from handovers where reference = $1', [reference]);
    expect(rows).toHaveLength(1);
    handoverId = rows[0]!.id;
    expect(rows[0]!.team_id).toBe('team-1-nord');
    expect(rows[0]!.assignee).toMatch(/^demo-nord-[12]$/);
    expect(rows[0]!.record.concerns[0].words).toBe('أبحث عن روضة لابني في كليفه');
    expect(rows[0]!.record.consent).toMatchObject({ language: 'ar', transcriptIncluded: true });
    expect(rows[0]!.record.transcript.some((m: { text: string }) => m.text.includes('أبحث عن روضة'))).toBe(true);
    // A button press reads as the label the person tapped, not as the button's internal value.
    const pressed = rows[0]!.record.transcript.filter((m: { role: string; text: string }) => m.role === 'user' && m.text.startsWith('['));
    const agree = JSON.parse(readFileSync('locales/ar/chat.json', 'utf8')).intake.consent.agree as string;
    expect(pressed.map((m: { text: string }) => m.text)).toContain(`[${agree}]`);
    expect(pressed.filter((m: { text: string }) => /^\[[a-z-]+:/.test(m.text))).toEqual([]);
    expect(rows[0]!.record.summaryDe.join('\n')).toMatch(/Kita|Kinderbetreuung/);
  });

  test('the team webhook is signed, retried after a failure and delivered once', async () => {
    expect(await server.app.outbox.runOnce()).toBe(1); // attempted, failed (500), rescheduled
    expect(receiver.received).toHaveLength(0);
    await server.app.store.query('update outbox set next_attempt_at = now()');
    expect(await server.app.outbox.runOnce()).toBe(1);
    expect(await server.app.outbox.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0]!;
    expect(headers['x-lotse-signature']).toBe(signature(SECRET, String(headers['x-lotse-timestamp']), body));
    const notice = JSON.parse(body);
    expect(notice).toMatchObject({ event: 'handover.created', reference, unit: 'team-1-nord', deliveryId: headers['x-lotse-delivery'] });
    // No personal data leaves with the notice.
    expect(body).not.toContain('أم أحمد');
  });

  test('without a session the inbox API answers 401; wrong passwords are refused', async () => {
    const anon = new Client(server.url);
    expect((await anon.call('GET', '/api/inbox/handovers')).status).toBe(401);
    expect((await anon.call('GET', `/api/inbox/handovers/${handoverId}`)).body.error).toBe('unauthenticated');
    expect((await anon.login('jonas', 'wrong password!!')).status).toBe(401);
    expect((await anon.login('nobody-here', 'wrong password!!')).body.error).toBe('invalid_credentials');
  });

  test('a case manager sees only the records of their team', async () => {
    const samir = new Client(server.url);
    expect((await samir.login('samir', 'correct horse battery')).status).toBe(200);
    expect((await samir.call('GET', '/api/inbox/handovers')).body.items).toHaveLength(0);
    expect((await samir.call('GET', `/api/inbox/handovers/${handoverId}`)).status).toBe(404);
    expect((await samir.call('POST', `/api/inbox/handovers/${handoverId}/claim`, {})).status).toBe(404);
  });

  test('claim, contact, note and close, each in the audit log; the person hears of the claim', async () => {
    const jonas = new Client(server.url);
    const login = await jonas.login('jonas', 'correct horse battery');
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const list = await jonas.call('GET', '/api/inbox/handovers');
    expect(list.body.items.map((i: { reference: string }) => i.reference)).toEqual([reference]);

    const detail = await jonas.call('GET', `/api/inbox/handovers/${handoverId}`);
    expect(detail.body.item.record.reference).toBe(reference);

    // Changes need the CSRF header, not only the cookie.
    const forged = await jonas.call('POST', `/api/inbox/handovers/${handoverId}/claim`, {}, { 'x-csrf-token': 'forged' });
    expect(forged).toMatchObject({ status: 403, body: { error: 'csrf_failed' } });

    expect((await jonas.call('POST', `/api/inbox/handovers/${handoverId}/claim`, {})).body.item.status).toBe('claimed');
    expect((await jonas.call('POST', `/api/inbox/handovers/${handoverId}/claim`, {})).status).toBe(409);
    expect((await jonas.call('POST', `/api/inbox/handovers/${handoverId}/status`, { status: 'closed' })).body.error).toBe('invalid_status');
    expect((await jonas.call('POST', `/api/inbox/handovers/${handoverId}/status`, { status: 'contacted' })).body.item.status).toBe('contacted');
    expect((await jonas.call('POST', `/api/inbox/handovers/${handoverId}/notes`, { text: 'Rückruf vereinbart <b>Do</b>' })).status).toBe(201);
    expect((await jonas.call('POST', `/api/inbox/handovers/${handoverId}/status`, { status: 'closed', outcome: 'referred' })).body.item).toMatchObject({ status: 'closed', outcome: 'referred' });

    const after = await jonas.call('GET', `/api/inbox/handovers/${handoverId}`);
    expect(after.body.item.notes[0].body).toBe('Rückruf vereinbart <b>Do</b>');
    expect(after.body.item.audit.map((a: { action: string }) => a.action)).toEqual(['created', 'view', 'claim', 'status:contacted', 'note', 'status:closed', 'view']);

    const exported = await jonas.call('GET', `/api/inbox/handovers/${handoverId}/export`);
    expect(exported.body).toMatchObject({ schema: 'lotse.intake-record', version: 1, reference });

    await server.app.outbox.runOnce();
    const claimed = proactive.find((p) => p.conversationId === conversationId);
    expect(claimed?.language).toBe('ar');
    expect(JSON.stringify(claimed?.messages)).toContain(reference);
    // The team's name as an Arabic reader reads it, with the German name for the phone.
    expect(JSON.stringify(claimed?.messages)).toContain('الفريق 1 – الشمال (Team 1 Nord)');
  });

  test('the coordinator sees the team; sign-out ends the session', async () => {
    const petra = new Client(server.url);
    await petra.login('petra', 'correct horse battery');
    expect((await petra.call('GET', '/api/inbox/handovers?status=closed')).body.items).toHaveLength(1);
    expect((await petra.call('GET', '/api/inbox/handovers?status=bogus')).body.error).toBe('invalid_status');
    expect((await petra.call('POST', '/api/inbox/logout', {})).status).toBe(200);
    expect((await petra.call('GET', '/api/inbox/me')).status).toBe(401);
  });

  test('the person can withdraw: the record is erased', async () => {
    const body = await say({ action: `withdraw:${reference}` });
    expect(texts(body).join('\n')).toContain(reference);
    const rows = await server.app.store.query<{ status: string; record: unknown }>('select status, record from handovers where id = $1', [handoverId]);
    expect(rows[0]).toEqual({ status: 'withdrawn', record: null });
  });

  test('sign-in attempts are limited', async () => {
    const c = new Client(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await c.login('samir', `wrong password ${i}`)).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  test('the inbox page is served, never framed', async () => {
    const res = await fetch(`${server.url}/inbox`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('/static/inbox.js');
  });
});
