import { z } from 'zod';
import type { District, Language } from '../../knowledge/schema.js';
import type { Staff, StaffPerson } from '../../knowledge/staff.js';

export const routeSchema = z.object({
  /** The regional team or Welcome-Center post that receives the record. */
  unit: z.string(),
  unitName: z.string(),
  /** Why this unit, for the case manager: a key of `record.route` in the inbox namespace. */
  reason: z.object({ key: z.string(), params: z.record(z.string(), z.string()) }),
});
export type Route = z.infer<typeof routeSchema>;

/**
 * Town → regional team; a Welcome-Center thematic post takes the record instead when one of
 * its topics is among the person's concerns (the first matching concern decides).
 */
export function routeHandover(district: District, municipality: string, topics: readonly string[]): Route {
  for (const topic of topics) {
    const post = district.welcomeCenter.posts.find((p) => p.topics.some((t) => topic === t || topic.startsWith(`${t}.`)));
    if (post) return { unit: post.id, unitName: post.name, reason: { key: 'record.route.post', params: { topic } } };
  }
  const town = district.municipalities.find((m) => m.id === municipality);
  const team = district.teams.find((t) => t.id === town?.team);
  if (!town || !team) throw new Error(`no team for municipality "${municipality}"`);
  return { unit: team.id, unitName: team.name, reason: { key: 'record.route.team', params: { town: town.name, team: team.name } } };
}

/** A municipality's name, or the id itself for one the district file no longer lists. */
export function municipalityName(district: District, id: string): string {
  return district.municipalities.find((m) => m.id === id)?.name ?? id;
}

/**
 * A unit's name (team or post) in a language, German by default and where the district gives no other.
 * @param unlisted the name of a unit the district file no longer lists (by default its id)
 */
export function unitName(district: District, unit: string, language: Language = 'de', unlisted = unit): string {
  const found = district.teams.find((t) => t.id === unit) ?? district.welcomeCenter.posts.find((p) => p.id === unit);
  if (!found) return unlisted;
  return (language !== 'de' && found.names[language]) || found.name;
}

/**
 * Within a unit, the case manager with the lowest load relative to capacity
 * (open cases ÷ (FTE × cases per FTE)); ties go to the larger capacity, then by id.
 */
export function pickCaseManager(staff: Staff, unit: string, openCases: ReadonlyMap<string, number>): StaffPerson | undefined {
  const capacity = (p: StaffPerson) => p.fte * staff.casesPerFte;
  return staff.people
    .filter((p) => p.unit === unit && p.role === 'case-manager')
    .map((p) => ({ p, load: (openCases.get(p.id) ?? 0) / capacity(p) }))
    .sort((a, b) => a.load - b.load || capacity(b.p) - capacity(a.p) || a.p.id.localeCompare(b.p.id))[0]?.p;
}

export function coordinatorOf(staff: Staff, unit: string): StaffPerson | undefined {
  const id = staff.units.find((u) => u.id === unit)?.coordinator;
  return staff.people.find((p) => p.id === id);
}

/**
 * The date by which the person can expect the first contact: `days` working days after `from`
 * (0 = the same working day; after 15:00 or at a weekend that is the next working day).
 * @remarks Public holidays are not known here; weekends are.
 */
export function firstContactBy(from: Date, days: number, timeZone = 'Europe/Berlin'): Date {
  const local = (d: Date) => new Date(d.toLocaleString('en-US', { timeZone }));
  const isWeekend = (d: Date) => [0, 6].includes(local(d).getDay());
  let date = new Date(from);
  const next = () => (date = new Date(date.getTime() + 86_400_000));
  if (isWeekend(date) || local(date).getHours() >= 15) {
    next();
    while (isWeekend(date)) next();
  }
  for (let left = days; left > 0; ) {
    next();
    if (!isWeekend(date)) left--;
  }
  return date;
}
