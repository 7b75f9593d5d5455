/** One step of a chat, as the chat API takes it: a typed message or a pressed button. */
export type ChatStep = { text: string } | { action: string };

export interface IntakeScript {
  /** The first message, with the town and the wish for a person. */
  wish?: string;
  /** Be called at this number; without one, the reply comes in the chat. */
  phone?: string;
  name?: string;
  /** The need, in the person's own words. */
  need: string;
  /** A deadline in the person's words, with the authority it comes from; without one, the request is not urgent. */
  deadline?: { text: string; authority: string };
  /** The answer to "attach this conversation?"; without one, the script stops at that question. */
  transcript?: boolean;
}

/**
 * A German intake through the chat API, from the language choice to the summary: the steps the handover, privacy and
 * inbox tests share. Sending it (`intake:send`) is left to the test.
 */
export function germanIntake(script: IntakeScript): ChatStep[] {
  const steps: ChatStep[] = [{ action: 'lang:de' }, { text: script.wish ?? 'Ich wohne in Kleve und möchte mit einer Person sprechen' }, { action: 'intake:yes' }];
  // The town is in the wish; consent given. A phone contact also asks when to call, which is skipped.
  if (script.phone) steps.push({ action: 'intake:phone' }, { text: script.phone }, { action: 'intake:skip' });
  else steps.push({ action: 'intake:chat' });
  // Name, age group and household (the last two skipped), then the need.
  steps.push(script.name ? { text: script.name } : { action: 'intake:skip' }, { action: 'intake:skip' }, { action: 'intake:skip' }, { text: script.need });
  if (script.deadline) steps.push({ action: 'intake:deadline' }, { text: script.deadline.text }, { action: `intake:${script.deadline.authority}` }, { action: 'intake:done' });
  else steps.push({ action: 'intake:normal' }, { action: 'intake:none' });
  // The language of contact (German needs no interpreter), then the residence status, which is never required.
  steps.push({ action: 'intake:lang-de' }, { action: 'intake:skip' });
  if (script.transcript !== undefined) steps.push({ action: script.transcript ? 'intake:yes' : 'intake:no' });
  return steps;
}

/** The same steps as the engine takes them (`app.conversations.turn`). */
export function asTurns(steps: readonly ChatStep[]): Array<{ kind: 'message'; text: string } | { kind: 'action'; value: string }> {
  return steps.map((s) => ('text' in s ? { kind: 'message', text: s.text } : { kind: 'action', value: s.action }));
}
