import { describe, test, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { engineDeps } from './helpers/engine.js';
import { runTurn, type TurnInput } from '../dialogs/engine.js';
import { initialState, conversationStateSchema, type ConversationState } from '../dialogs/state.js';
import type { Reply } from '../dialogs/replies.js';

/** Conversation tables: each turn asserts the emitted message keys, buttons, events and state. */
const turnSchema = z
  .object({
    user: z.coerce.string().optional(),
    action: z.string().optional(),
    start: z.boolean().optional(),
    keys: z.array(z.string()).optional(),
    actions: z.array(z.string()).optional(),
    events: z.array(z.string()).optional(),
    /** The unit the handover sent in this turn goes to. */
    route: z.string().optional(),
    crisis: z.boolean().optional(),
    /** The service entries this turn shows begin with these ids, in this order (an empty list: it shows none). */
    services: z.array(z.string()).optional(),
    /** The emergency numbers and hotlines this turn shows begin with these ids, in this order. */
    lines: z.array(z.string()).optional(),
    /** Service entries this turn must not show. */
    notServices: z.array(z.string()).optional(),
    /** Emergency numbers and hotlines this turn must not show. */
    notLines: z.array(z.string()).optional(),
    /** Parameters of messages this turn emits, by key: each key's message carries at least these. */
    params: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    state: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
const tableSchema = z.array(z.object({ name: z.string(), turns: z.array(turnSchema).min(1) }).strict());

const dir = fileURLToPath(new URL('./conversations/', import.meta.url));
const deps = engineDeps();

function emittedKeys(replies: Reply[]): string[] {
  return replies.flatMap((r) => (r.type === 'text' ? [r.message.key] : r.type === 'services' ? ['<services>'] : r.type === 'crisis' ? ['<crisis>'] : []));
}

/** `expected` appear in order (a key matches itself or any key below it: "answer.intro" matches "answer.intro.many"). */
function inOrder(actual: string[], expected: string[]): boolean {
  let i = 0;
  for (const key of actual) if (i < expected.length && (key === expected[i] || key.startsWith(`${expected[i]}.`))) i++;
  return i === expected.length;
}

function expectState(state: ConversationState, subset: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(subset)) {
    const actual = (state as Record<string, unknown>)[k];
    if (v === null) expect(actual, k).toBeUndefined();
    else if (v && typeof v === 'object' && !Array.isArray(v)) expect(actual, k).toMatchObject(v);
    else expect(actual, k).toEqual(v);
  }
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  describe(`conversations/${file}`, () => {
    const tables = tableSchema.parse(parse(readFileSync(join(dir, file), 'utf8')));
    for (const table of tables) {
      test(table.name, () => {
        let state = initialState('de');
        for (const [i, turn] of table.turns.entries()) {
          const input: TurnInput = turn.start ? { kind: 'start' } : turn.action ? { kind: 'action', value: turn.action } : { kind: 'message', text: turn.user ?? '' };
          const result = runTurn(deps, state, input);
          const where = `${table.name}, turn ${i + 1}`;
          const keys = emittedKeys(result.replies);
          if (turn.keys) expect(inOrder(keys, turn.keys), `${where}: got ${keys.join(', ')}`).toBe(true);
          if (turn.actions) {
            const values = result.replies.flatMap((r) => (r.type === 'actions' ? r.actions.map((a) => a.value) : []));
            expect(values, where).toEqual(expect.arrayContaining(turn.actions));
          }
          if (turn.events) expect(result.events.map((e) => e.type), where).toEqual(turn.events);
          if (turn.route) expect(result.events.flatMap((e) => (e.type === 'handover' ? [e.route.unit] : [])), where).toEqual([turn.route]);
          if (turn.crisis === false) expect(keys, `${where}: no crisis`).not.toContain('crisis.intro');
          if (turn.crisis) {
            expect(keys[0], `${where}: crisis numbers come first`).toBe('crisis.intro');
            expect(keys[1], where).toBe('<crisis>');
          }
          if (turn.services) {
            const shown = result.replies.flatMap((r) => (r.type === 'services' ? r.entryIds : []));
            // `services: []` asserts that the turn shows none.
            expect(turn.services.length === 0 ? shown : shown.slice(0, turn.services.length), where).toEqual(turn.services);
          }
          if (turn.lines) {
            const shown = result.replies.flatMap((r) => (r.type === 'crisis' ? r.resourceIds : []));
            expect(shown.slice(0, turn.lines.length), where).toEqual(turn.lines);
          }
          if (turn.notServices) {
            const shown = result.replies.flatMap((r) => (r.type === 'services' ? r.entryIds : []));
            for (const id of turn.notServices) expect(shown, where).not.toContain(id);
          }
          if (turn.notLines) {
            const shown = result.replies.flatMap((r) => (r.type === 'crisis' ? r.resourceIds : []));
            for (const id of turn.notLines) expect(shown, where).not.toContain(id);
          }
          for (const [key, subset] of Object.entries(turn.params ?? {})) {
            const message = result.replies.find((r) => r.type === 'text' && r.message.key === key);
            expect(message?.type === 'text' ? message.message.params : undefined, `${where}: ${key}`).toMatchObject(subset);
          }
          expect(conversationStateSchema.safeParse(result.state).success, where).toBe(true);
          if (turn.state) expectState(result.state, turn.state);
          state = result.state;
        }
      });
    }
  });
}
