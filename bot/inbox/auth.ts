import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import type { Sql } from '../store/store.js';
import type { Staff } from '../../knowledge/staff.js';

export const ROLES = ['case-manager', 'coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SESSION_COOKIE = 'lotse_inbox';

export interface Account {
  username: string;
  staffId: string;
  role: Role;
  /** The unit whose records the account sees; none for admins (they see all). */
  teamId: string | null;
}

export interface Session {
  account: Account;
  csrf: string;
}

export const usernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'user names are 3–64 lower-case letters, digits, ".", "_" or "-"');
export const passwordSchema = z.string().min(12, 'passwords need at least 12 characters').max(200);

/** A hash to verify against when the user name is unknown, so both cases take the same time. */
let dummyHash: Promise<string> | undefined;

/**
 * Creates an inbox account for a person of the staff file.
 * @throws when the person is unknown, the role does not fit, or the name is taken
 */
export async function createAccount(sql: Sql, staff: Staff, input: { username: string; password: string; staffId: string; role: Role }): Promise<Account> {
  const username = usernameSchema.parse(input.username);
  const password = passwordSchema.parse(input.password);
  let teamId: string | null = null;
  if (input.role !== 'admin') {
    const person = staff.people.find((p) => p.id === input.staffId);
    if (!person) throw new Error(`unknown person "${input.staffId}" (see the staff file)`);
    if (input.role === 'coordinator' && !staff.units.some((u) => u.coordinator === person.id)) throw new Error(`"${person.id}" coordinates no unit in the staff file`);
    teamId = person.unit;
  }
  const existing = await sql.query('select 1 from accounts where username = $1', [username]);
  if (existing.length > 0) throw new Error(`user name "${username}" is taken`);
  await sql.query('insert into accounts (username, password_hash, staff_id, role, team_id) values ($1, $2, $3, $4, $5)', [username, await hash(password), input.staffId, input.role, teamId]);
  return { username, staffId: input.staffId, role: input.role, teamId };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The columns of an account as the accounts table holds them. */
type AccountRow = {
  username: string;
  staff_id: string;
  role: Role;
  team_id: string | null;
};

function toAccount(row: AccountRow): Account {
  return { username: row.username, staffId: row.staff_id, role: row.role, teamId: row.team_id };
}

/** Checks a password and opens a session; undefined for a wrong name or password (no hint which). */
export async function signIn(sql: Sql, username: string, password: string, hours: number): Promise<{ token: string; session: Session } | undefined> {
  const rows = await sql.query<AccountRow & { password_hash: string; disabled: boolean }>('select * from accounts where username = $1', [username]);
  const row = rows[0];
  if (!row || row.disabled) {
    dummyHash ??= hash(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    return undefined;
  }
  if (!(await verify(row.password_hash, password).catch(() => false))) return undefined;
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await sql.query(`insert into sessions (token_hash, username, csrf, expires_at) values ($1, $2, $3, now() + make_interval(secs => $4))`, [sha256(token), row.username, csrf, Math.round(hours * 3600)]);
  await sql.query('delete from sessions where expires_at < now()');
  return { token, session: { account: toAccount(row), csrf } };
}

export async function signOut(sql: Sql, token: string): Promise<void> {
  await sql.query('delete from sessions where token_hash = $1', [sha256(token)]);
}

/** The session of a request's cookie, if it is valid and its account active. */
export async function sessionOf(sql: Sql, req: IncomingMessage): Promise<{ token: string; session: Session } | undefined> {
  const token = cookie(req, SESSION_COOKIE);
  if (!token || token.length > 100) return undefined;
  const rows = await sql.query<AccountRow & { csrf: string }>(
    `select a.username, a.staff_id, a.role, a.team_id, s.csrf from sessions s join accounts a on a.username = s.username
     where s.token_hash = $1 and s.expires_at > now() and not a.disabled`,
    [sha256(token)],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { token, session: { account: toAccount(row), csrf: row.csrf } };
}

/** The CSRF check for changes: the header must carry the session's token (the cookie alone is not enough). */
export function csrfValid(req: IncomingMessage, session: Session): boolean {
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string' || sent.length !== session.csrf.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrf));
}

export function sessionCookie(token: string, hours: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.round(hours * 3600)}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * The active inbox account of a person of the staff file (the oldest, should there be several):
 * how a claim from a Teams card acts as the person who pressed it.
 */
export async function accountOfPerson(sql: Sql, staffId: string): Promise<Account | undefined> {
  const rows = await sql.query<AccountRow>(
    'select username, staff_id, role, team_id from accounts where staff_id = $1 and not disabled order by created_at, username limit 1',
    [staffId],
  );
  const row = rows[0];
  return row ? toAccount(row) : undefined;
}

/** The units an account sees: its own (a coordinator of the Welcome-Center sees both posts), or all for admins. */
export function unitsOf(account: Account, staff: Staff): string[] | 'all' {
  if (account.role === 'admin') return 'all';
  const coordinated = staff.units.filter((u) => u.coordinator === account.staffId).map((u) => u.id);
  return [...new Set([...(account.teamId ? [account.teamId] : []), ...(account.role === 'coordinator' ? coordinated : [])])];
}

/** Whether an account may see and act on a unit's requests. */
export function canSee(account: Account, staff: Staff, unit: string): boolean {
  const units = unitsOf(account, staff);
  return units === 'all' || units.includes(unit);
}
