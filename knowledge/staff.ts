import { join } from 'node:path';
import { z } from 'zod';
import { readDataFile, DEFAULT_KNOWLEDGE_DIR, KnowledgeError, type KnowledgeIssue } from './load.js';
import type { District } from './schema.js';

const id = z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'must be lower-case words joined by "-" or "."');

/**
 * Who receives warm handovers: the case management units (the district's regional teams and the
 * Welcome-Center's thematic posts), their people, capacities and coordinators.
 * @remarks Configuration data, not code; `knowledge/staff/` holds a demo set for the demo district.
 */
export const staffSchema = z
  .object({
    /** Case load guideline: open cases per full-time post. */
    casesPerFte: z.number().int().positive().default(50),
    /** First contact promised to the person, in working days after the handover (0 = the same working day). */
    firstContactWorkingDays: z.object({ urgent: z.number().int().min(0).max(10), deadline: z.number().int().min(0).max(10), normal: z.number().int().min(0).max(20) }).strict(),
    units: z
      .array(
        z
          .object({
            /** A team id from the district file, or a Welcome-Center post id. */
            id,
            coordinator: id,
            /** Signed webhook for new handovers; the secret comes from the environment variable named here. */
            webhook: z.object({ url: z.url(), secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name') }).strict().optional(),
            /** The team's Microsoft Teams channel: new handovers appear there as a card (no personal data) with a claim button. */
            teams: z
              .object({
                /** The Bot Connector endpoint of the tenant's region, as Teams sends it in `serviceUrl` (e.g. https://smba.trafficmanager.net/emea/). */
                serviceUrl: z.url({ protocol: /^https?$/ }),
                /** The channel's conversation id ("19:…@thread.tacv2"). */
                channelId: z.string().regex(/^19:[^\s/?#]+$/, 'must be a Teams channel conversation id ("19:…@thread.tacv2")'),
                /** The organisation's Microsoft Entra tenant; when set, claims from other tenants are refused. */
                tenantId: z.uuid().optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .min(1),
    people: z
      .array(
        z
          .object({
            id,
            name: z.string().trim().min(1),
            unit: id,
            role: z.enum(['case-manager', 'coordinator']),
            fte: z.number().positive().max(1),
            /** The person's Microsoft Entra object id (Teams sends it as `from.aadObjectId`): a claim from Teams acts as their inbox account. */
            aadObjectId: z.uuid().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Staff = z.infer<typeof staffSchema>;
export type StaffPerson = Staff['people'][number];
export type StaffUnit = Staff['units'][number];
/** A unit's Microsoft Teams channel (staff file, `units[].teams`). */
export type TeamsChannel = NonNullable<StaffUnit['teams']>;

/** A staff member's name for display, or the id itself when the staff file no longer lists them. */
export function personName(staff: Staff, id: string): string {
  return staff.people.find((p) => p.id === id)?.name ?? id;
}

export const DEFAULT_STAFF_FILE = join(DEFAULT_KNOWLEDGE_DIR, 'staff', 'kreis-kleve.yaml');

/** Loads the staff file and checks it against the district: every team covered, every reference known. */
export function loadStaff(file: string, district: District): { staff?: Staff; issues: KnowledgeIssue[] } {
  const issues: KnowledgeIssue[] = [];
  const staff = readDataFile(file, staffSchema, issues);
  if (!staff) return { issues };
  const shown = file.slice(file.indexOf('knowledge/') >= 0 ? file.indexOf('knowledge/') : 0);
  const unitIds = new Set([...district.teams.map((t) => t.id), ...district.welcomeCenter.posts.map((p) => p.id)]);
  const people = new Map(staff.people.map((p) => [p.id, p]));
  staff.units.forEach((unit, i) => {
    if (!unitIds.has(unit.id)) issues.push({ file: shown, path: `units.${i}.id`, message: `unknown team or post "${unit.id}"` });
    const coordinator = people.get(unit.coordinator);
    if (!coordinator) issues.push({ file: shown, path: `units.${i}.coordinator`, message: `unknown person "${unit.coordinator}"` });
  });
  for (const team of unitIds) {
    if (!staff.units.some((u) => u.id === team)) issues.push({ file: shown, path: 'units', message: `no unit for "${team}": its handovers would have nowhere to go` });
    if (!staff.people.some((p) => p.unit === team && p.role === 'case-manager')) issues.push({ file: shown, path: 'people', message: `no case manager in "${team}"` });
  }
  staff.people.forEach((p, i) => {
    if (!unitIds.has(p.unit)) issues.push({ file: shown, path: `people.${i}.unit`, message: `unknown team or post "${p.unit}"` });
    if (staff.people.findIndex((q) => q.id === p.id) !== i) issues.push({ file: shown, path: `people.${i}.id`, message: `duplicate id "${p.id}"` });
    if (p.aadObjectId && staff.people.findIndex((q) => q.aadObjectId?.toLowerCase() === p.aadObjectId!.toLowerCase()) !== i)
      issues.push({ file: shown, path: `people.${i}.aadObjectId`, message: `"${p.aadObjectId}" is given to another person too` });
  });
  return issues.length > 0 ? { issues } : { staff, issues };
}

export function loadStaffOrThrow(file: string, district: District): Staff {
  const { staff, issues } = loadStaff(file, district);
  if (!staff) throw new KnowledgeError(issues);
  return staff;
}
