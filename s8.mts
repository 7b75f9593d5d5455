import { buildUnderstanding } from './bot/app.ts';
import { stems } from './knowledge/understand/text.ts';
const { understanding: u } = buildUnderstanding();
console.log(stems('Integrationskurse', 'de'), stems('integrationskurs', 'de'));
for (const [t, l] of [['I lost my job, I cannot pay the rent any more and my residence permit expires next month, I do not know where to start', 'en'], ['Ich möchte mit einem echten Menschen sprechen', 'de'], ['my husband is not breathing', 'en']] as const) { const r = u.understand({ text: t }); console.log(t, JSON.stringify({ ...r, entries: undefined })); console.log('  ', u.explain(t, l).join(' ; ')); }
