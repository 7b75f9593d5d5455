import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { loadKnowledge } from '../../knowledge/load.js';
import { LANGUAGES } from '../../knowledge/schema.js';
import { contentWarnings } from '../../knowledge/check.js';

const { kb, issues } = loadKnowledge();

describe('the sample knowledge base', () => {
  test('loads without errors', () => {
    expect(issues).toEqual([]);
    expect(kb).toBeDefined();
  });

  test('has at least 80 entries, and every service topic has at least two', () => {
    expect(kb!.services.length).toBeGreaterThanOrEqual(80);
    const serviceTopics = kb!.taxonomy.topics.filter((t) => t.kind === 'service');
    const thin = serviceTopics.filter((t) => kb!.services.filter((e) => e.topics.includes(t.id)).length < 2).map((t) => t.id);
    expect(thin).toEqual([]);
  });

  test('every entry is complete and current in all ten languages', () => {
    const incomplete = kb!.services.flatMap((e) =>
      LANGUAGES.filter((l) => !e.texts[l] || e.texts[l]!.sourceVersion !== e.version).map((l) => `${e.id}: ${l}`),
    );
    expect(incomplete).toEqual([]);
  });

  test('mixes verified nationwide services with example entries, and only example entries lack a source', () => {
    const verified = kb!.services.filter((e) => !e.example);
    expect(verified.length).toBeGreaterThanOrEqual(10);
    expect(verified.every((e) => e.verifiedAt && e.source)).toBe(true);
    expect(kb!.services.filter((e) => e.example).every((e) => e.verifiedAt === undefined)).toBe(true);
  });

  test('covers the district: 16 municipalities, four regional teams, two Welcome-Center posts', () => {
    expect(kb!.district.municipalities).toHaveLength(16);
    expect(kb!.district.teams.map((t) => t.id)).toEqual(['team-1-nord', 'team-2-ost', 'team-3-mitte', 'team-4-sued']);
    expect(kb!.district.welcomeCenter.posts).toHaveLength(2);
  });

  test('the JMD (12–27) and the MBE (from 28) meet without a gap or an overlap, as the age question asks', () => {
    const bounds = (topic: string, key: 'minAge' | 'maxAge') => new Set(kb!.services.filter((e) => e.topics.includes(topic) && e.kind === 'counselling').map((e) => e.targetGroup[key]));
    expect([...bounds('counselling.youth', 'maxAge')]).toEqual([27]);
    expect([...bounds('counselling.adult', 'minAge')].filter((age) => age !== undefined && age > 18)).toEqual([28]);
  });

  test('has crisis resources for every kind of crisis, 112 and 110 among them, each named in all ten languages', () => {
    const phones = kb!.crisis.map((r) => r.phone.replace(/\s/g, ''));
    expect(phones).toEqual(expect.arrayContaining(['112', '110', '116117', '116016']));
    for (const kind of ['medical', 'violence', 'suicide', 'child', 'homeless'] as const) {
      expect(kb!.crisis.some((r) => r.kinds.includes(kind)), kind).toBe(true);
    }
  });

  test('no service topic is without an entry in any municipality', () => {
    expect(contentWarnings(kb!, new Date('2026-11-21')).filter((w) => w.message.startsWith('no entry for'))).toEqual([]);
  });
});

describe('npm run kb:check', () => {
  test('passes on the sample and prints both coverage tables with all ten languages', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'knowledge/check.ts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/kb:check: 0 errors/);
    const header = out.split('\n').find((l) => l.startsWith('topic × language'))!;
    for (const l of LANGUAGES) expect(header).toContain(l);
    expect(out).toMatch(/topic × municipality/);
    const languageRows = out.split('topic × language')[1]!.split('topic × municipality')[0]!.trim().split('\n').slice(1);
    // One row per service topic.
    expect(languageRows.length).toBe(kb!.taxonomy.topics.filter((t) => t.kind === 'service').length);
    for (const row of languageRows) expect(row, row).not.toMatch(/\s-(\s|$)/);
  });

  test('exits non-zero and names the file when the knowledge base is broken', async () => {
    const { mkdtempSync, cpSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'lotse-check-'));
    try {
      cpSync('knowledge', dir, { recursive: true });
      writeFileSync(join(dir, 'services', 'vhs-kleve.yaml'), 'id: vhs-kleve\nversion: 1\ntopics: [language-course.other]\nprovider: VHS\nkind: course\narea: { scope: district }\ntargetGroup: { eligibility: [all] }\nlanguages: [de]\ncost: fee\ncontact: { phone: "0282 12" }\naccess: [walk-in]\ntexts: {}\nowner: KI\nexample: true\n');
      let failed: { status: number; stderr: string } | undefined;
      try {
        execFileSync(process.execPath, ['--import', 'tsx', 'knowledge/check.ts', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        failed = error as { status: number; stderr: string };
      }
      expect(failed?.status).toBe(1);
      expect(failed?.stderr).toMatch(/vhs-kleve\.yaml: contact\.phone: "0282 12" is not a valid phone number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
