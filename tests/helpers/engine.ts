import { buildHandoverDeps, buildUnderstanding } from '../../bot/app.js';
import { loadConfig, retentionPolicy } from '../../bot/config.js';
import type { EngineDeps } from '../../dialogs/engine.js';
import { messageLookup, readLocales } from '../../bot/i18n.js';

/**
 * The engine's dependencies for plain-function tests: the real knowledge and understanding,
 * a fixed clock (Wednesday morning), numbered references (so handover turns are reproducible) and
 * the default retention periods.
 */
export function engineDeps(): EngineDeps {
  const understanding = buildUnderstanding();
  let references = 0;
  return {
    ...understanding,
    handover: { ...buildHandoverDeps(understanding.kb, undefined, () => new Date('2026-11-18T09:00:00Z')), newReference: () => `KIM-TEST-${String(++references).padStart(4, '0')}` },
    retention: retentionPolicy(loadConfig({})),
    label: messageLookup(readLocales()),
  };
}
