import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type TestServer } from '../helpers/app.js';
import { serviceItemSchema, servicesPageSchema, MAX_QUERY_CHARS } from '../../bot/finder/api.js';
import { appliesTo } from '../../knowledge/coverage.js';
import type { ServiceEntry } from '../../knowledge/schema.js';

let server: TestServer;
let services: ServiceEntry[];
beforeAll(async () => {
  server = await startServer({ RATE_LIMIT_PER_MINUTE: '1000' });
  services = server.app.kb.services;
});
afterAll(async () => server.close());

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: await res.json() };
}

/** Every match of a filtered, unpaged search (largest page size, all pages). */
async function all(params: string): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = [];
  let total = 0;
  for (let page = 1; page < 20; page++) {
    const { status, body } = await get(`/api/services?${params}&pageSize=50&page=${page}`);
    expect(status).toBe(200);
    total = body.total;
    ids.push(...body.items.map((i: { id: string }) => i.id));
    if (ids.length >= total) break;
  }
  return { ids, total };
}

const byId = (id: string) => services.find((e) => e.id === id)!;

describe('GET /api/services', () => {
  test('answers items and total in the documented shape', async () => {
    const { status, body } = await get('/api/services');
    expect(status).toBe(200);
    expect(() => servicesPageSchema.parse(body)).not.toThrow();
    expect(body.total).toBe(services.length);
    expect(body.items).toHaveLength(10);
  });

  test('a plain question is understood like a chat message: the recognised topic comes first', async () => {
    const { body } = await get(`/api/services?q=${encodeURIComponent('Wo finde ich einen Kita-Platz für meine Tochter?')}`);
    expect(body.understood.topics[0]).toBe('childcare');
    expect(body.total).toBeGreaterThan(0);
    expect(body.items[0].topics).toContain('childcare');
  });

  test('keywords in another language find the same topic', async () => {
    const { body } = await get(`/api/services?q=${encodeURIComponent('روضة أطفال')}`);
    expect(body.understood.language).toBe('ar');
    expect(body.understood.topics).toContain('childcare');
  });

  test('a town filter leaves out the local services of other towns; names and postal codes resolve', async () => {
    const goch = server.app.kb.district.municipalities.find((m) => m.id === 'goch')!;
    const byIdParam = await all('topic=childcare&town=goch');
    expect(byIdParam.total).toBe(services.filter((e) => e.topics.includes('childcare') && appliesTo(e, 'goch')).length);
    for (const id of byIdParam.ids) expect(appliesTo(byId(id), 'goch')).toBe(true);
    expect(await all(`topic=childcare&town=${goch.postalCodes[0]}`)).toEqual(byIdParam);
    expect(await all(`topic=childcare&town=${encodeURIComponent(goch.name)}`)).toEqual(byIdParam);
  });

  test('a topic group covers its subtopics', async () => {
    const { ids } = await all('topic=language-course');
    const expected = services.filter((e) => e.topics.some((t) => t.startsWith('language-course.')));
    expect(ids.sort()).toEqual(expected.map((e) => e.id).sort());
  });

  test.each([
    ['free=true', (e: ServiceEntry) => e.cost === 'free'],
    ['childcare=true', (e: ServiceEntry) => e.childcare],
    ['speaks=ar', (e: ServiceEntry) => e.languages.includes('ar')],
    ['access=online', (e: ServiceEntry) => e.access.includes('online')],
    ['access=walk-in,online', (e: ServiceEntry) => e.access.includes('walk-in') || e.access.includes('online')],
    ['group=women', (e: ServiceEntry) => e.targetGroup.eligibility.some((g) => g === 'women' || g === 'all')],
    ['age=30', (e: ServiceEntry) => (e.targetGroup.minAge ?? 0) <= 30 && (e.targetGroup.maxAge ?? 120) >= 30],
  ])('filter %s returns exactly the entries that satisfy it', async (params, predicate) => {
    const { ids, total } = await all(params);
    const expected = services.filter(predicate).map((e) => e.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(services.length);
    expect(total).toBe(expected.length);
    expect(ids.sort()).toEqual(expected.sort());
  });

  test('filters combine with the query (AND)', async () => {
    const q = encodeURIComponent('Deutschkurs');
    const plain = await all(`q=${q}`);
    const withChildcare = await all(`q=${q}&childcare=true`);
    expect(withChildcare.total).toBeGreaterThan(0);
    expect(withChildcare.total).toBeLessThan(plain.total);
    for (const id of withChildcare.ids) {
      expect(byId(id).childcare).toBe(true);
      expect(plain.ids).toContain(id);
    }
  });

  test('pages do not overlap and add up to the total', async () => {
    const first = await get('/api/services?pageSize=7&page=1');
    const second = await get('/api/services?pageSize=7&page=2');
    const firstIds = first.body.items.map((i: { id: string }) => i.id);
    const secondIds = second.body.items.map((i: { id: string }) => i.id);
    expect(firstIds).toHaveLength(7);
    expect(secondIds.filter((id: string) => firstIds.includes(id))).toEqual([]);
    expect((await all('')).ids.slice(0, 14)).toEqual([...firstIds, ...secondIds]);
    const last = await get(`/api/services?pageSize=50&page=${Math.ceil(services.length / 50) + 1}`);
    expect(last.body.items).toEqual([]);
    expect(last.body.total).toBe(services.length);
  });

  test('texts come in the requested language, with German where an entry has no translation', async () => {
    const { body } = await get('/api/services?language=ar&pageSize=50');
    for (const item of body.items) {
      const entry = byId(item.id);
      expect(item.textLanguage).toBe(entry.texts.ar ? 'ar' : 'de');
      expect(item.text.title).toBe((entry.texts.ar ?? entry.texts.de)!.title);
      if (entry.example) expect(item.text.example).toBeTruthy();
      else expect(item.verifiedAt).toBe(entry.verifiedAt);
    }
  });
});

describe('GET /api/services/:id', () => {
  test('answers one service', async () => {
    const entry = services[0]!;
    const { status, body } = await get(`/api/services/${entry.id}?language=uk`);
    expect(status).toBe(200);
    expect(serviceItemSchema.parse(body).id).toBe(entry.id);
    expect(body.topics).toEqual(entry.topics);
  });

  test('an unknown id is a 404 with a reason', async () => {
    const { status, body } = await get('/api/services/no-such-service');
    expect(status).toBe(404);
    expect(body.error).toBe('unknown_service');
  });
});

describe('bad parameters', () => {
  test.each([
    ['age=-1', 'invalid_parameter', 'age'],
    ['age=abc', 'invalid_parameter', 'age'],
    ['pageSize=500', 'invalid_parameter', 'pageSize'],
    ['page=0', 'invalid_parameter', 'page'],
    ['language=xx', 'invalid_parameter', 'language'],
    ['speaks=klingon', 'invalid_parameter', 'speaks'],
    ['town=Atlantis', 'invalid_parameter', 'town'],
    ['topic=astrology', 'invalid_parameter', 'topic'],
    ['group=aliens', 'invalid_parameter', 'group'],
    ['access=teleport', 'invalid_parameter', 'access'],
    ['free=maybe', 'invalid_parameter', 'free'],
    [`q=${'a'.repeat(MAX_QUERY_CHARS + 1)}`, 'invalid_parameter', 'q'],
    ['towm=goch', 'unknown_parameter', 'towm'],
    ['age=3&age=4', 'repeated_parameter', 'age'],
  ])('%s → 400 %s naming %s', async (params, reason, param) => {
    const { status, body } = await get(`/api/services?${params}`);
    expect(status).toBe(400);
    expect(body.error).toBe(reason);
    expect(body.details.map((d: { param: string }) => d.param)).toContain(param);
  });

  test('a malformed path escape is a 400 and the server stays up', async () => {
    expect((await get('/api/services/%E0%A4%A')).status).toBe(400);
    expect((await get('/api/services')).status).toBe(200);
  });
});

describe('GET /api/openapi.json', () => {
  test('is an OpenAPI 3.1 document describing both operations and every accepted parameter', async () => {
    const { status, body } = await get('/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(body.paths).sort()).toEqual(['/api/services', '/api/services/{id}']);
    const params: Array<{ name: string; schema: Record<string, unknown> }> = body.paths['/api/services'].get.parameters;
    expect(params.map((p) => p.name).sort()).toEqual(['access', 'age', 'childcare', 'free', 'group', 'language', 'page', 'pageSize', 'q', 'speaks', 'topic', 'town'].sort());
    expect(body.components.schemas.Service.required).toEqual(expect.arrayContaining(['id', 'topics']));
    // Every documented parameter is accepted; an undocumented one is refused.
    const example: Record<string, string> = { q: 'Kita', town: 'goch', topic: 'childcare', age: '3', group: 'families', speaks: 'de', free: 'true', childcare: 'false', access: 'phone', language: 'en', page: '1', pageSize: '5' };
    for (const p of params) expect((await get(`/api/services?${p.name}=${encodeURIComponent(example[p.name]!)}`)).status, p.name).toBe(200);
  });
});
