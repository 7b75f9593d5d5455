import { describe, expect, test } from 'vitest';
import { loadKnowledgeOrThrow } from '../../knowledge/load.js';
import { TownFinder } from '../../knowledge/understand/towns.js';
import { loadLexiconsOrThrow } from '../../knowledge/lexicon.js';
import { LANGUAGES } from '../../knowledge/schema.js';

const { district } = loadKnowledgeOrThrow();
const towns = new TownFinder(district.municipalities, { elsewhere: district.elsewhere, districtName: district.name });

describe('the town asked for', () => {
  test.each([
    ['Klewe', 'kleve'],
    ['kevelar', 'kevelaer'],
    ['Kranebürg', 'kranenburg'],
    ['Gooch', 'goch'],
    ['46459', 'rees'],
    ['بكليف', 'kleve'],
    ['العيلة ساكنة بإيسوم', 'issum'],
    ['کرکن', 'kerken'],
    ['в Эммерихе', 'emmerich-am-rhein'],
    ['в Гельдерне', 'geldern'],
    ['у Кевеларі', 'kevelaer'],
    ['в Гоху', 'goch'],
    ["Kleve'de", 'kleve'],
  ])('"%s" is %s (misspelt, a postal code, a preposition or case ending grown on)', (answer, id) => {
    expect(towns.resolve(answer)).toBe(id);
  });

  test.each(['here', 'I live', 'i live here', 'not in your list', 'i live in krefeld, not in your list', 'Duisburg', 'ساكن بدويسبورغ', 'Wesel', 'weiß nicht', 'nie wiem'])(
    '"%s" is no town of the district (words that only share letters with a name)',
    (answer) => {
      expect(towns.resolve(answer)).toBeUndefined();
    },
  );
});

describe('a town outside the district', () => {
  test.each([
    ['ich wohne in Moers', 'Moers'],
    ['Deutschkurs in Duisburg?', 'Duisburg'],
    ['Mülheim an der Ruhr', 'Mülheim an der Ruhr'],
    ['мы живём в Дюссельдорфе', 'Дюссельдорф'],
    ["Krefeld'de oturuyorum", 'Krefeld'],
    // Arabic and Persian spellings normalise alike: the Persian one of the list is the name found.
    ['انا ساكن في برلين', 'برلین'],
  ])('%s names %s', (text, name) => {
    expect(towns.elsewhereIn(text)).toBe(name);
  });

  test.each(['Essen in Kleve', 'ich wohne in Goch', 'wir gehen essen', 'Kita in Emmerich, früher Duisburg'])('"%s" names none (a town of the district wins; no everyday word is a town)', (text) => {
    expect(towns.elsewhereIn(text)).toBeUndefined();
  });

  test('told as where one lives, and only that', () => {
    const filler = (w: string) => ['ich', 'wohne', 'in', 'we', 'live'].includes(w);
    expect(towns.toldElsewhere('ich wohne in Moers', filler)).toBe('Moers');
    expect(towns.toldElsewhere('ich suche eine Wohnung in Moers', filler)).toBeUndefined();
  });
});

test("the district's own name is no town: 'nicht im Kreis Kleve, sondern in Bocholt' is Bocholt", () => {
  expect(towns.findIn('ich wohne nicht im Kreis Kleve sondern in Bocholt')).toBeUndefined();
  expect(towns.elsewhereIn('ich wohne nicht im Kreis Kleve sondern in Bocholt')).toBe('Bocholt');
  expect(towns.findIn('Kreis Kleve')).toBeUndefined();
  expect(towns.findIn('Kleve')).toBe('kleve');
  expect(towns.findIn('Jobcenter Kreis Kleve in Goch')).toBe('goch');
});

describe('a town one lives in no more (lexicon leftTown)', () => {
  const lexicons = loadLexiconsOrThrow(new Set(loadKnowledgeOrThrow().taxonomy.topics.map((t) => t.id)));
  const moving = new TownFinder(district.municipalities, { elsewhere: district.elsewhere, districtName: district.name, left: LANGUAGES.flatMap((l) => lexicons[l].leftTown) });

  test.each([
    ['ich wohne nicht mehr in Goch, jetzt in Kleve', 'kleve'],
    ['früher Kevelaer, jetzt Geldern', 'geldern'],
    ['nu mai locuiesc în Goch, acum în Kleve', 'kleve'],
    ['я більше не живу в Гоху, тепер у Клеве', 'kleve'],
    ['keine Kita in Goch', 'goch'],
    ['nicht in Goch, sondern in Kleve', 'kleve'],
    ['ich wohne nicht mehr in Goch', undefined],
  ])('"%s" names %s', (text, id) => {
    expect(moving.findIn(text)).toBe(id);
  });

  test('the town told is the one not left, outside the district too', () => {
    const filler = (w: string) => ['ich', 'wohne', 'jetzt', 'in'].includes(w);
    expect(moving.elsewhereIn('nicht mehr in Goch, jetzt in Moers')).toBe('Moers');
    expect(moving.toldElsewhere('ich wohne nicht mehr in Goch, jetzt in Moers', filler)).toBe('Moers');
    expect(moving.leftOnly('ich wohne nicht mehr in Goch', filler)).toBe(true);
    expect(moving.leftOnly('ich wohne in Goch', filler)).toBe(false);
  });
});

describe("a village names its town, in other scripts too", () => {
  test.each([
    ['Asperden', 'goch'],
    ['Hassum', 'goch'],
    ['Pfalzdorf', 'goch'],
    ['Twisteden', 'kevelaer'],
    ['Winnekendonk', 'kevelaer'],
    ['Materborn', 'kleve'],
    ['Kellen', 'kleve'],
    ['Elten', 'emmerich-am-rhein'],
    ['Walbeck', 'geldern'],
    ['Veert', 'geldern'],
    ['Keppeln', 'uedem'],
    ['Appeldorn', 'kalkar'],
    ['Wissel', 'kalkar'],
    ['Frasselt', 'kranenburg'],
    ['Nütterden', 'kranenburg'],
    ['Wemb', 'weeze'],
    ['جوخ', 'goch'],
    ['Емеріх', 'emmerich-am-rhein'],
    ['у Емеріху', 'emmerich-am-rhein'],
  ])('"%s" is %s, anywhere in a message', (text, id) => {
    expect(towns.findIn(`Deutschkurs ${text}`)).toBe(id);
  });

  test.each([
    ['Kessel', 'goch'],
    ['Wetten', 'kevelaer'],
    ['Kapellen', 'geldern'],
    ['Hau', 'bedburg-hau'],
  ])('"%s", an everyday word too, is %s alone, at the town question and told as where one lives, not inside another message', (name, id) => {
    const filler = (w: string) => ['ich', 'wohne', 'in'].includes(w);
    expect(towns.only(name)).toBe(id);
    expect(towns.resolve(name)).toBe(id);
    expect(towns.told(`ich wohne in ${name}`, filler)).toBe(id);
    expect(towns.findIn(`der ${name} ist kaputt`)).toBeUndefined();
  });

  test('a misspelt everyday word is no village: "Kassel" is not Kessel', () => {
    expect(towns.resolve('Kassel')).toBeUndefined();
  });
});
