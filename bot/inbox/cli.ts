import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open.js';
import { loadKnowledgeOrThrow } from '../../knowledge/load.js';
import { DEFAULT_STAFF_FILE, loadStaffOrThrow } from '../../knowledge/staff.js';
import { createAccount, ROLES, type Role } from './auth.js';

const USAGE = `Inbox accounts (there are no default passwords):
  npm run account -- create --username <name> --staff <person id> --role case-manager|coordinator|admin
      the password is asked for (or read from standard input when it is not a terminal)
  npm run account -- list
  npm run account -- disable --username <name>
  npm run account -- enable --username <name>`;

/** Reads a password without echoing it on a terminal, or one line from a pipe. */
async function readPassword(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    process.stdout.write('Password (at least 12 characters): ');
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  const line = await new Promise<string>((resolve) => rl.once('line', resolve).once('close', () => resolve('')));
  rl.close();
  if (process.stdin.isTTY) process.stdout.write('\n');
  return line.trim();
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({ args: rest, options: { username: { type: 'string' }, staff: { type: 'string' }, role: { type: 'string' } }, strict: true });
  const config = loadConfig();
  const kb = loadKnowledgeOrThrow(config.KNOWLEDGE_DIR);
  const staff = loadStaffOrThrow(config.STAFF_FILE ?? DEFAULT_STAFF_FILE, kb.district);
  const store = await openStore({ ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}), dataDir: config.DATA_DIR });
  try {
    switch (command) {
      case 'create': {
        if (!values.username || !values.role || (values.role !== 'admin' && !values.staff)) break;
        if (!(ROLES as readonly string[]).includes(values.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        const account = await createAccount(store, staff, { username: values.username, staffId: values.staff ?? values.username, role: values.role as Role, password: await readPassword() });
        console.log(`created ${account.username} (${account.role}${account.teamId ? `, ${account.teamId}` : ''})`);
        return 0;
      }
      case 'list':
        for (const a of await store.query<{ username: string; role: string; team_id: string | null; disabled: boolean }>('select username, role, team_id, disabled from accounts order by username')) {
          console.log(`${a.username}\t${a.role}\t${a.team_id ?? 'all'}${a.disabled ? '\tdisabled' : ''}`);
        }
        return 0;
      case 'disable':
      case 'enable': {
        if (!values.username) break;
        const rows = await store.query('update accounts set disabled = $2 where username = $1 returning username', [values.username, command === 'disable']);
        if (command === 'disable') await store.query('delete from sessions where username = $1', [values.username]);
        console.log(rows.length ? `${command}d ${values.username}` : `no account ${values.username}`);
        return rows.length ? 0 : 1;
      }
    }
    console.error(USAGE);
    return 2;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
