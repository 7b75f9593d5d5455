import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PUBLIC_DIR } from '../routes/static.js';
import type { i18n } from 'i18next';
import type { Router } from '../http.js';
import { HttpError, readJson, sendJson, clientIp } from '../http.js';
import type { Store } from '../store/store.js';
import { personName, type Staff } from '../../knowledge/staff.js';
import type { KnowledgeBase } from '../../knowledge/load.js';
import { RateLimiter } from '../limits.js';
import { translatorFor } from '../i18n.js';
import { municipalityName, unitName } from '../../dialogs/handover/routing.js';
import { addNote, audit, auditTrail, eraseHandover, getHandover, listHandovers, listNotes, updateStatus, OUTCOMES, STATUSES, type HandoverRow, type Status } from '../handover/handovers.js';
import type { HandoverService } from '../handover/service.js';
import { canSee, clearedCookie, csrfValid, sessionCookie, sessionOf, signIn, signOut, unitsOf, usernameSchema, type Session } from './auth.js';

export interface InboxDeps {
  store: Store;
  staff: Staff;
  kb: KnowledgeBase;
  i18n: i18n;
  handovers: HandoverService;
  /** Days after a person's deletion request until the record is erased without the case manager. */
  deletionGraceDays: number;
  sessionHours: number;
  secureCookies: boolean;
  loginAttempts: number;
  trustProxy: boolean;
  maxBody: number;
  /** Demo mode: the page shows a banner, since demo accounts have documented passwords. */
  demo: boolean;
}

const loginSchema = z.object({ username: z.string().max(64), password: z.string().max(200) }).strict();
const statusSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('contacted') }).strict(),
  z.object({ status: z.literal('closed'), outcome: z.enum(OUTCOMES) }).strict(),
]);
const noteSchema = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
const idSchema = z.uuid();

/**
 * The case managers' inbox API under `/api/inbox/`: sign-in, a team-scoped list, details,
 * claim, status, notes, export and erasure on the person's request. Every view and change is
 * written to the audit log.
 */
export function inboxRoutes(router: Router, deps: InboxDeps): void {
  const { store, staff } = deps;
  const loginLimiter = new RateLimiter(deps.loginAttempts, 15 * 60_000);
  const loginPerIp = new RateLimiter(deps.loginAttempts * 4, 15 * 60_000);
  const de = translatorFor(deps.i18n, 'de');
  const staffDe = translatorFor(deps.i18n, 'de', 'inbox');
  const townName = (id: string | null) => (id ? municipalityName(deps.kb.district, id) : null);
  const dayMs = 86_400_000;

  async function requireSession(req: IncomingMessage, change: boolean): Promise<{ token: string; session: Session }> {
    const found = await sessionOf(store, req);
    if (!found) throw new HttpError(401, 'unauthenticated', 'sign in first');
    if (change) {
      if (!csrfValid(req, found.session)) throw new HttpError(403, 'csrf_failed', 'missing or wrong X-CSRF-Token header');
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host) throw new HttpError(403, 'cross_origin', 'request from another origin');
    }
    return found;
  }

  /** A record in the account's scope; 404 for others (their existence is not revealed). */
  async function scoped(session: Session, id: string | undefined): Promise<HandoverRow> {
    const parsed = idSchema.safeParse(id);
    if (!parsed.success) throw new HttpError(404, 'not_found');
    const row = await getHandover(store, parsed.data);
    if (!row || !canSee(session.account, staff, row.team_id)) throw new HttpError(404, 'not_found');
    return row;
  }

  const nameOf = (id: string | null) => (id ? personName(staff, id) : null);
  const me = (s: Session) => ({
    username: s.account.username,
    name: nameOf(s.account.staffId) ?? s.account.username,
    role: s.account.role,
    units: ((u) => (u === 'all' ? 'all' : u.map((id) => ({ id, name: unitName(deps.kb.district, id) }))))(unitsOf(s.account, staff)),
  });

  const summary = (row: HandoverRow) => ({
    id: row.id,
    reference: row.reference,
    unit: row.team_id,
    unitName: unitName(deps.kb.district, row.team_id),
    urgency: row.urgency,
    status: row.status,
    outcome: row.outcome,
    caseType: row.record?.caseType.label ?? (row.case_type ? staffDe(`record.caseType.${row.case_type}`) : null),
    topics: (row.record?.topics ?? row.topics ?? []).map((t) => de(`topic.${t}`)),
    municipality: row.record?.municipality.name ?? townName(row.municipality),
    language: row.language,
    assignee: nameOf(row.assignee),
    claimedBy: nameOf(row.claimed_by),
    createdAt: new Date(row.created_at).toISOString(),
    expectedContactBy: new Date(row.expected_contact_by).toISOString(),
    overdue: row.status === 'new' && !row.deletion_requested_at && new Date(row.expected_contact_by).getTime() < Date.now(),
    deletionRequestedAt: row.deletion_requested_at ? new Date(row.deletion_requested_at).toISOString() : null,
    /** When the sweep erases it if nobody does earlier. */
    deletionDueAt: row.deletion_requested_at ? new Date(new Date(row.deletion_requested_at).getTime() + deps.deletionGraceDays * dayMs).toISOString() : null,
    /** Content gone: erased on request or anonymised after retention. */
    anonymised: row.anonymised_at !== null,
  });

  router.on('POST', '/api/inbox/login', async (req, res) => {
    const parsed = loginSchema.safeParse(await readJson(req, 4096));
    if (!parsed.success) throw new HttpError(400, 'invalid_request', 'expected {"username", "password"}');
    const ip = clientIp(req, deps.trustProxy);
    const name = parsed.data.username.trim().toLowerCase();
    // Failed attempts count, per IP and user name and per IP alone.
    if (loginPerIp.exhausted(ip) || loginLimiter.exhausted(`${ip}|${name}`)) throw new HttpError(429, 'too_many_attempts', 'too many sign-in attempts, wait 15 minutes');
    const result = usernameSchema.safeParse(name).success ? await signIn(store, name, parsed.data.password, deps.sessionHours) : undefined;
    if (!result) {
      loginPerIp.take(ip);
      loginLimiter.take(`${ip}|${name}`);
      await audit(store, name.slice(0, 64) || '?', 'login-failed', null, { ip });
      throw new HttpError(401, 'invalid_credentials', 'wrong user name or password');
    }
    await audit(store, result.session.account.username, 'login', null, { ip });
    sendJson(res, 200, { user: me(result.session), csrf: result.session.csrf }, { 'set-cookie': sessionCookie(result.token, deps.sessionHours, deps.secureCookies) });
  });

  router.on('POST', '/api/inbox/logout', async (req, res) => {
    const { token, session } = await requireSession(req, true);
    await signOut(store, token);
    await audit(store, session.account.username, 'logout', null);
    sendJson(res, 200, { ok: true }, { 'set-cookie': clearedCookie(deps.secureCookies) });
  });

  router.on('GET', '/api/inbox/me', async (req, res) => {
    const { session } = await requireSession(req, false);
    sendJson(res, 200, { user: me(session), csrf: session.csrf, demo: deps.demo });
  });

  router.on('GET', '/api/inbox/handovers', async (req, res) => {
    const { session } = await requireSession(req, false);
    const status = new URL(req.url ?? '/', 'http://x').searchParams.get('status');
    if (status !== null && !(STATUSES as readonly string[]).includes(status)) throw new HttpError(400, 'invalid_status', `status must be one of ${STATUSES.join(', ')}`);
    const rows = await listHandovers(store, unitsOf(session.account, staff), (status ?? undefined) as Status | undefined);
    await audit(store, session.account.username, 'list', null, { status, count: rows.length });
    sendJson(res, 200, { items: rows.map(summary) });
  });

  router.on('GET', '/api/inbox/handovers/:id', async (req, res, { id }) => {
    const { session } = await requireSession(req, false);
    const row = await scoped(session, id);
    await audit(store, session.account.username, 'view', row.id);
    const [notes, trail] = await Promise.all([listNotes(store, row.id), auditTrail(store, row.id)]);
    sendJson(res, 200, { item: { ...summary(row), record: row.record, notes, audit: trail } });
  });

  router.on('GET', '/api/inbox/handovers/:id/export', async (req, res, { id }) => {
    const { session } = await requireSession(req, false);
    const row = await scoped(session, id);
    if (!row.record) throw new HttpError(410, 'deleted', 'the content of this request is deleted');
    if (row.deletion_requested_at) throw new HttpError(409, 'deletion_requested', 'the person asked to delete their data; it is not exported');
    await audit(store, session.account.username, 'export', row.id);
    sendJson(res, 200, row.record, { 'content-disposition': `attachment; filename="${row.reference}.json"` });
  });

  router.on('POST', '/api/inbox/handovers/:id/claim', async (req, res, { id }) => {
    const { session } = await requireSession(req, true);
    const row = await scoped(session, id);
    if (row.deletion_requested_at) throw new HttpError(409, 'deletion_requested', 'the person asked to delete their data');
    const claimed = await store.transaction((tx) => deps.handovers.claim(tx, row.id, session.account, 'inbox'));
    if (!claimed) throw new HttpError(409, 'not_claimable', `the request is already ${row.status}`);
    sendJson(res, 200, { item: summary(claimed) });
  });

  router.on('POST', '/api/inbox/handovers/:id/status', async (req, res, { id }) => {
    const { session } = await requireSession(req, true);
    const parsed = statusSchema.safeParse(await readJson(req, deps.maxBody));
    if (!parsed.success) throw new HttpError(400, 'invalid_status', 'expected {"status":"contacted"} or {"status":"closed","outcome":"referred|accompanied|case-management|not-reached"}');
    const row = await scoped(session, id);
    const mayChange = row.claimed_by === session.account.staffId || session.account.role !== 'case-manager';
    if (!mayChange) throw new HttpError(403, 'not_yours', 'only the case manager who claimed it (or a coordinator) changes its status');
    const from: Status[] = parsed.data.status === 'contacted' ? ['claimed'] : ['claimed', 'contacted'];
    const updated = await store.transaction(async (tx) => {
      const u = await updateStatus(tx, row.id, from, parsed.data.status, parsed.data.status === 'closed' ? { outcome: parsed.data.outcome } : {});
      if (u) await audit(tx, session.account.username, `status:${parsed.data.status}`, row.id, parsed.data);
      return u;
    });
    if (!updated) throw new HttpError(409, 'invalid_transition', `cannot go from ${row.status} to ${parsed.data.status}`);
    sendJson(res, 200, { item: summary(updated) });
  });

  router.on('POST', '/api/inbox/handovers/:id/notes', async (req, res, { id }) => {
    const { session } = await requireSession(req, true);
    const parsed = noteSchema.safeParse(await readJson(req, deps.maxBody));
    if (!parsed.success) throw new HttpError(400, 'invalid_note', 'expected {"text"} with 1 to 4000 characters');
    const row = await scoped(session, id);
    if (row.status === 'withdrawn' || row.anonymised_at) throw new HttpError(410, 'withdrawn', 'the person withdrew this request or its data is deleted');
    await store.transaction(async (tx) => {
      await addNote(tx, row.id, session.account.username, parsed.data.text);
      await audit(tx, session.account.username, 'note', row.id);
    });
    sendJson(res, 201, { notes: await listNotes(store, row.id) });
  });

  // The person asked in the chat to delete their data: anyone of the team completes it.
  router.on('POST', '/api/inbox/handovers/:id/erase', async (req, res, { id }) => {
    const { session } = await requireSession(req, true);
    const row = await scoped(session, id);
    if (!row.deletion_requested_at || row.anonymised_at) throw new HttpError(409, 'not_requested', 'only a request whose deletion the person asked for is erased here');
    const erased = await store.transaction(async (tx) => {
      const done = await eraseHandover(tx, row.id);
      if (done) await audit(tx, session.account.username, 'erased', row.id, { reason: 'deletion-requested' });
      return done;
    });
    if (!erased) throw new HttpError(409, 'not_requested', 'already erased');
    sendJson(res, 200, { item: summary(erased) });
  });

  // The page itself: never inside a frame, scripts and styles only from this server.
  const page = readFileSync(join(PUBLIC_DIR, 'inbox.html'));
  router.on('GET', '/inbox', (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(page);
  });
}
