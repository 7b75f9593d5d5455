import type { Store } from '../store/store.js';
import type { Staff } from '../../knowledge/staff.js';
import { createAccount } from './auth.js';
import type { Logger } from '../log.js';

/** The documented password of every demo account (README, "Demo mode"). Demo mode only. */
export const DEMO_PASSWORD = 'lotse-demo-2026';

/**
 * Demo mode: one account per person of the staff file (user name = person id) and `demo-admin`,
 * all with {@link DEMO_PASSWORD}. Existing accounts are left as they are.
 */
export async function ensureDemoAccounts(store: Store, staff: Staff, log: Logger): Promise<string[]> {
  const existing = new Set((await store.query<{ username: string }>('select username from accounts')).map((r) => r.username));
  const created: string[] = [];
  const accounts = [
    ...staff.people.map((p) => ({ username: p.id, staffId: p.id, role: p.role })),
    { username: 'demo-admin', staffId: 'demo-admin', role: 'admin' as const },
  ];
  for (const a of accounts) {
    if (existing.has(a.username)) continue;
    await createAccount(store, staff, { ...a, password: DEMO_PASSWORD });
    created.push(a.username);
  }
  if (created.length) log.warn(`DEMO_MODE: created ${created.length} demo inbox accounts with the documented demo password; never use demo mode in production`);
  return created;
}
