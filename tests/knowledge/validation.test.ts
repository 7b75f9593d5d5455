import { describe, test, expect, beforeEach, afterEach } from 'vitest';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, loadKnowledge, DEFAULT_KNOWLEDGE_DIR } from '../../knowledge/load.js';

/** A minimal valid knowledge folder (taxonomy, district, crisis, one service) to break one file at a time. */
let dir: string;
const SERVICE = 'bamf-integrationskurs.yaml';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lotse-kb-'));
  for (const f of ['taxonomy.json', 'crisis.yaml', 'district']) cpSync(join(DEFAULT_KNOWLEDGE_DIR, f), join(dir, f), { recursive: true });
  mkdirSync(join(dir, 'services'));
  cpSync(join(DEFAULT_KNOWLEDGE_DIR, 'services', SERVICE), join(dir, 'services', SERVICE));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function edit(file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

function errors(): string[] {
  return loadKnowledge(dir).issues.map(formatIssue);
}

test('the unbroken fixture loads without errors', () => {
  // The fixture has one service: the crisis file's services, besides it, are dangling there.
  const { kb, issues, warnings } = loadKnowledge(dir);
  expect(issues).toEqual([]);
  expect(warnings.every((w) => w.path.startsWith('services.'))).toBe(true);
  expect(kb?.services.map((s) => s.id)).toEqual(['bamf-integrationskurs']);
});

describe('a broken knowledge file is rejected with file, path and a clear message', () => {
  const cases: Array<[string, string, (t: string) => string, RegExp]> = [
    ['an invalid phone number', `services/${SERVICE}`, (t) => t.replace('"+49 911 943 6390"', '"0282 12"'), /services\/bamf-integrationskurs\.yaml: contact\.phone: "0282 12" is not a valid phone number/],
    ['a duplicated key', `services/${SERVICE}`, (t) => t.replace('kind: course', 'kind: course\nkind: online'), /services\/bamf-integrationskurs\.yaml: line \d+: Map keys must be unique/],
    ['a YAML syntax error', `services/${SERVICE}`, (t) => t.replace('topics: [language-course.integration]', 'topics: [language-course.integration'), /services\/bamf-integrationskurs\.yaml: line \d+: /],
    ['a missing German source text', `services/${SERVICE}`, (t) => t.replace(/\n  de:\n(    .*\n|      .*\n)+?(?=  en:)/, '\n'), /services\/bamf-integrationskurs\.yaml: texts\.de: the German source text is required/],
    ['an unknown service kind', `services/${SERVICE}`, (t) => t.replace('kind: course', 'kind: seminar'), /services\/bamf-integrationskurs\.yaml: kind: /],
    ['an unknown field', `services/${SERVICE}`, (t) => t.replace('kind: course', 'kind: course\nrating: 5'), /services\/bamf-integrationskurs\.yaml: rating: unknown field/],
    ['an id that differs from the file name', `services/${SERVICE}`, (t) => t.replace('id: bamf-integrationskurs', 'id: bamf-kurs'), /services\/bamf-integrationskurs\.yaml: id: "bamf-kurs" must match the file name/],
    ['a verified entry without verification date', `services/${SERVICE}`, (t) => t.replace(/verifiedAt: .*\n/, ''), /services\/bamf-integrationskurs\.yaml: verifiedAt: an entry that is not marked example needs verifiedAt and source/],
    ['example data claiming to be verified', `services/${SERVICE}`, (t) => t.replace('example: false', 'example: true'), /services\/bamf-integrationskurs\.yaml: verifiedAt: example data must not carry a verification date/],
    ['a translation newer than its source', `services/${SERVICE}`, (t) => t.replace(/sourceVersion: 1\n    reviewed: false/, 'sourceVersion: 2\n    reviewed: false'), /texts\.en\.sourceVersion: is 2, newer than the entry version 1/],
    ['an invalid e-mail address', `services/${SERVICE}`, (t) => t.replace('info.buerger@bamf.bund.de', 'info.buerger(at)bamf'), /services\/bamf-integrationskurs\.yaml: contact\.email: /],
    ['opening hours that end before they start', `services/${SERVICE}`, (t) => t.replace('from: "09:00", to: "15:00"', 'from: "15:00", to: "09:00"'), /contact\.openingHours\.0: "from" must be before "to"/],
    ['an invalid date', `services/${SERVICE}`, (t) => t.replace('"2026-10-15"', '"15.10.2026"'), /verifiedAt: must be a date YYYY-MM-DD/],
    ['a language outside the ten', `services/${SERVICE}`, (t) => t.replace('languages: [de]', 'languages: [de, es]'), /services\/bamf-integrationskurs\.yaml: languages\.1: /],
    ['a municipality with an unknown team', 'district/kreis-kleve.yaml', (t) => t.replace('team: team-1-nord, aliases: [Kleef', 'team: team-9, aliases: [Kleef'), /district\/kreis-kleve\.yaml: municipalities\.1\.team: unknown team "team-9"/],
    ['a village given to two towns', 'district/kreis-kleve.yaml', (t) => t.replace('aliases: [Kleef, Cleve, Materborn', 'aliases: [Kleef, Cleve, Asperden, Materborn'), /district\/kreis-kleve\.yaml: municipalities\.6\.aliases\.1: "Asperden" names "kleve" too/],
    ['a town of the district listed outside it too', 'district/kreis-kleve.yaml', (t) => t.replace('Moers, Wesel,', 'Moers, Wesel, Kevelaer,'), /municipalities\.7\.name: "Kevelaer" names a town outside the district too/],
    ['a bad postal code', 'district/kreis-kleve.yaml', (t) => t.replace('"47533"', '"4753"'), /district\/kreis-kleve\.yaml: municipalities\.1\.postalCodes\.0: must be a five-digit postal code/],
    ['a crisis resource without a name in one language', 'crisis.yaml', (t) => t.replace(/, bg: [^}]*\}/, ' }'), /crisis\.yaml: resources\.0\.names\.bg: /],
    ['a taxonomy missing a language', 'taxonomy.json', (t) => t.replace(/\n\s*\{ "code": "bg"[^\n]*\n/, '\n'), /taxonomy\.json: languages: /],
  ];
  test.each(cases)('%s', (_name, file, change, expected) => {
    edit(file, change);
    const found = errors();
    expect(found.join('\n')).toMatch(expected);
  });
});

describe('dangling references load with a warning', () => {
  test('an unknown topic', () => {
    edit(`services/${SERVICE}`, (t) => t.replace('topics: [language-course.integration]', 'topics: [language-course.integration, language-course.klingon]'));
    const { kb, warnings } = loadKnowledge(dir);
    expect(kb).toBeDefined();
    expect(warnings.map(formatIssue).join('\n')).toMatch(/bamf-integrationskurs\.yaml: topics\.1: unknown topic "language-course\.klingon"/);
  });
  test('an unknown service entry for a crisis kind', () => {
    edit('crisis.yaml', (t) => t.replace(/\nservices:[\s\S]*$/, '\nservices:\n  homeless: [bamf-integrationskurs, notunterkunft-atlantis]\n'));
    const { kb, warnings } = loadKnowledge(dir);
    expect(kb?.crisisServices.homeless).toEqual(['bamf-integrationskurs', 'notunterkunft-atlantis']);
    expect(warnings.map(formatIssue).join('\n')).toMatch(/crisis\.yaml: services\.homeless\.1: unknown service entry "notunterkunft-atlantis"/);
  });
  test('an unknown municipality', () => {
    edit(`services/${SERVICE}`, (t) => t.replace('area: { scope: nationwide }', 'area: { scope: municipalities, municipalities: [kleve, atlantis] }'));
    const { kb, warnings } = loadKnowledge(dir);
    expect(kb).toBeDefined();
    expect(warnings.map(formatIssue).join('\n')).toMatch(/area\.municipalities\.1: unknown municipality "atlantis"/);
  });
});
