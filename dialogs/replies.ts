/**
 * An i18next key with its parameters; rendered at the edge with the turn's fixed-language translator.
 * Parameters named `…Key` hold a key and are translated (`methodKey` → `method`), `…Keys` a
 * comma-separated list of keys (`itemsKeys` → `items`, joined); `topic` holds a topic key.
 */
export interface Message {
  key: string;
  params?: Record<string, string | number>;
}

/** A labelled line of a summary: the label a key, the value a key or the person's own words. */
export interface Line {
  label: Message | { text: string };
  value: Message | { text: string };
}

/** A button or quick reply. `value` comes back as the input's `action`. */
export interface Action {
  label: Message | { text: string };
  value: string;
}

/** What a dialog emits: words as keys, services and crisis resources as ids. The edge renders them. */
export type Reply =
  | { type: 'text'; message: Message }
  | { type: 'services'; entryIds: string[]; onBehalf: boolean }
  | { type: 'crisis'; resourceIds: string[] }
  | { type: 'actions'; actions: Action[] }
  | { type: 'lines'; lines: Line[] };

export const text = (key: string, params?: Message['params']): Reply => ({ type: 'text', message: params ? { key, params } : { key } });
export const actions = (...list: Action[]): Reply => ({ type: 'actions', actions: list });
export const action = (key: string, value: string): Action => ({ label: { key }, value });
