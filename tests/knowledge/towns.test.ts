import { describe, expect, test } from 'vitest';
import { loadKnowledgeOrThrow } from '../../knowledge/load.js';
import { TownFinder } from '../../knowledge/understand/towns.js';

const towns = new TownFinder(loadKnowledgeOrThrow().district.municipalities);

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
