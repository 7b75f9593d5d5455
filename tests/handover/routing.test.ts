import { describe, test, expect } from 'vitest';
import { loadKnowledgeOrThrow } from '../../knowledge/load.js';
import { DEFAULT_STAFF_FILE, loadStaff, loadStaffOrThrow } from '../../knowledge/staff.js';
import { firstContactBy, pickCaseManager, routeHandover } from '../../dialogs/handover/routing.js';
import { buildRecord, newReference, suggestCaseType } from '../../dialogs/handover/record.js';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createI18n, translatorFor } from '../../bot/i18n.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kb = loadKnowledgeOrThrow();
const staff = loadStaffOrThrow(DEFAULT_STAFF_FILE, kb.district);

describe('routing', () => {
  test('the town decides the regional team', () => {
    expect(routeHandover(kb.district, 'kleve', ['childcare']).unit).toBe('team-1-nord');
    expect(routeHandover(kb.district, 'emmerich-am-rhein', ['housing']).unit).toBe('team-2-ost');
    expect(routeHandover(kb.district, 'goch', []).unit).toBe('team-3-mitte');
    expect(routeHandover(kb.district, 'straelen', ['health']).unit).toBe('team-4-sued');
  });

  test('Welcome-Center posts take their topics, district-wide', () => {
    expect(routeHandover(kb.district, 'straelen', ['residence.opportunity']).unit).toBe('wc-residence');
    expect(routeHandover(kb.district, 'kleve', ['childcare', 'work.training']).unit).toBe('wc-labour');
  });

  test('the case manager with the lowest load relative to capacity gets the record', () => {
    // Team 3 Mitte: two full-time posts and one half-time post (capacity 50, 50, 25).
    expect(pickCaseManager(staff, 'team-3-mitte', new Map())?.id).toBe('demo-mitte-1');
    expect(pickCaseManager(staff, 'team-3-mitte', new Map([['demo-mitte-1', 10], ['demo-mitte-2', 10], ['demo-mitte-3', 2]]))?.id).toBe('demo-mitte-3');
    expect(pickCaseManager(staff, 'team-3-mitte', new Map([['demo-mitte-1', 10], ['demo-mitte-2', 10], ['demo-mitte-3', 6]]))?.id).toBe('demo-mitte-1');
    // Coordinators take no records by routing.
    expect(pickCaseManager(staff, 'team-1-nord', new Map([['demo-nord-1', 40], ['demo-nord-2', 40]]))?.role).toBe('case-manager');
  });

  test('capacity follows the configured cases per full-time post', () => {
    const small = { ...staff, casesPerFte: 10 };
    expect(pickCaseManager(small, 'team-3-mitte', new Map([['demo-mitte-1', 4], ['demo-mitte-2', 5], ['demo-mitte-3', 2]]))?.id).toBe('demo-mitte-1');
  });

  test('first contact in working days: the same day for urgent, weekends skipped', () => {
    const wednesday = new Date('2026-11-18T09:00:00Z');
    expect(firstContactBy(wednesday, 0).toISOString().slice(0, 10)).toBe('2026-11-18');
    expect(firstContactBy(wednesday, 3).toISOString().slice(0, 10)).toBe('2026-11-23');
    const fridayEvening = new Date('2026-11-20T17:30:00Z');
    expect(firstContactBy(fridayEvening, 0).toISOString().slice(0, 10)).toBe('2026-11-23');
    const saturday = new Date('2026-11-21T10:00:00Z');
    expect(firstContactBy(saturday, 1).toISOString().slice(0, 10)).toBe('2026-11-24');
  });
});

describe('staff file', () => {
  test('the demo set covers every team and Welcome-Center post', () => {
    const units = new Set(staff.units.map((u) => u.id));
    for (const team of kb.district.teams) expect(units.has(team.id), team.id).toBe(true);
    for (const post of kb.district.welcomeCenter.posts) expect(units.has(post.id), post.id).toBe(true);
  });

  test('errors name the file and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotse-staff-'));
    const file = join(dir, 'staff.yaml');
    writeFileSync(file, 'casesPerFte: 50\nfirstContactWorkingDays: { urgent: 0, deadline: 1, normal: 3 }\nunits:\n  - { id: team-9, coordinator: nobody }\npeople:\n  - { id: a, name: A, unit: team-1-nord, role: case-manager, fte: 1.5 }\n');
    const { staff: loaded, issues } = loadStaff(file, kb.district);
    expect(loaded).toBeUndefined();
    const lines = issues.map((i) => `${i.path}: ${i.message}`);
    expect(lines).toContainEqual(expect.stringMatching(/^people\.0\.fte: /));
  });

  test('a Teams channel and Entra object ids are checked, errors name the path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lotse-staff-')), 'staff.yaml');
    const id = 'a1000000-0000-4000-8000-000000000001';
    writeFileSync(
      file,
      readFileSync(DEFAULT_STAFF_FILE, 'utf8')
        .replace('{ id: team-1-nord, coordinator: demo-nord-koordination }', '{ id: team-1-nord, coordinator: demo-nord-koordination, teams: { serviceUrl: "https://smba.trafficmanager.net/emea/", channelId: "general" } }')
        .replace('{ id: demo-nord-1,', `{ id: demo-nord-1, aadObjectId: "${id}",`)
        .replace('{ id: demo-nord-2,', `{ id: demo-nord-2, aadObjectId: "${id.toUpperCase()}",`),
    );
    const lines = loadStaff(file, kb.district).issues.map((i) => `${i.path}: ${i.message}`);
    expect(lines).toContainEqual(expect.stringMatching(/^units\.0\.teams\.channelId: must be a Teams channel conversation id/));
    writeFileSync(file, readFileSync(file, 'utf8').replace('channelId: "general"', 'channelId: "19:abc@thread.tacv2"'));
    expect(loadStaff(file, kb.district).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([`people.2.aadObjectId: "${id.toUpperCase()}" is given to another person too`]);
  });
});

describe('intake record', () => {
  test('several life areas suggest Case Management, one concrete need a Kurzintervention', () => {
    expect(suggestCaseType({ topics: ['housing', 'work.jobcentre', 'childcare'], trigger: 'person', urgent: false, deadline: false, institutions: 0 }).type).toBe('case-management');
    expect(suggestCaseType({ topics: ['housing', 'work.jobcentre'], trigger: 'complex', urgent: false, deadline: false, institutions: 0 }).type).toBe('case-management');
    expect(suggestCaseType({ topics: ['school'], trigger: 'person', urgent: false, deadline: true, institutions: 1 }).type).toBe('prozessbegleitung');
    expect(suggestCaseType({ topics: ['language-course.integration'], trigger: 'misses', urgent: false, deadline: false, institutions: 0 }).type).toBe('kurzintervention');
  });

  test('no record without consent; the transcript only when allowed', async () => {
    const base = {
      reference: 'KIM-AAAA-BBBB',
      createdAt: new Date('2026-11-18T09:00:00Z'),
      channel: 'web',
      language: 'ar' as const,
      municipality: { id: 'kleve', name: 'Kleve' },
      unit: { id: 'team-1-nord', name: 'Team 1 Nord', reason: 'Wohnort' },
      topics: ['childcare'],
      suggestedServices: [],
      transcript: [{ role: 'user' as const, text: 'أبحث عن روضة' }],
      de: translatorFor(await createI18n(), 'de', 'inbox'),
      topicDe: (id: string) => id,
      languageNameDe: () => 'Arabisch',
    };
    const fields = { contact: 'chat' as const, concerns: [{ words: 'أبحث عن روضة', topic: 'childcare' }], transcript: false };
    const draft = { step: 'summary' as const, urgent: false, trigger: 'person' as const, fields, skipped: [], correcting: false, rewriting: false, attempts: 0 };
    expect(() => buildRecord({ ...base, draft })).toThrow(/consent/);
    const consented = { ...draft, consent: { version: 'v', language: 'ar' as const, at: '2026-11-18T08:59:00.000Z' } };
    const record = buildRecord({ ...base, draft: consented });
    expect(record.transcript).toBeUndefined();
    expect(record.consent.transcriptIncluded).toBe(false);
    expect(record.concerns[0]!.words).toBe('أبحث عن روضة');
    expect(record.residence).toBe('not-said');
    expect(record.summaryDe.join('\n')).toContain('Aufenthalt: keine Angabe');
    const withTranscript = buildRecord({ ...base, draft: { ...consented, fields: { ...fields, transcript: true } } });
    expect(withTranscript.transcript).toHaveLength(1);
    // Institutions: skipped is "keine Angabe", "none" chosen is "keine".
    expect(record.summaryDe.join('\n')).toContain('Bereits beteiligt: keine Angabe');
    const none = buildRecord({ ...base, draft: { ...consented, fields: { ...fields, institutions: [] } } });
    expect(none.summaryDe.join('\n')).toContain('Bereits beteiligt: keine\n');
  });

  test('references avoid look-alike characters', () => {
    for (let i = 0; i < 50; i++) expect(newReference()).toMatch(/^KIM-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  });
});
