import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { normalise } from './understand/text.js';
import type { z } from 'zod';
import {
  crisisFileSchema,
  districtSchema,
  serviceEntrySchema,
  taxonomySchema,
  type CrisisResource,
  type CrisisFile,
  type District,
  type ServiceEntry,
  type Taxonomy,
} from './schema.js';

/** Root of the sample knowledge base shipped with the project. */
export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(new URL('.', import.meta.url));

/** A problem found in one knowledge file, named by file and path inside it. */
export interface KnowledgeIssue {
  file: string;
  path: string;
  message: string;
}

export interface KnowledgeBase {
  taxonomy: Taxonomy;
  district: District;
  services: ServiceEntry[];
  crisis: CrisisResource[];
  /** Per crisis kind, service entries shown after the numbers. */
  crisisServices: CrisisFile['services'];
}

/** Thrown when the knowledge base has errors; carries every issue, not only the first. */
export class KnowledgeError extends Error {
  constructor(readonly issues: KnowledgeIssue[]) {
    super(`knowledge base has ${issues.length} error(s):\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'KnowledgeError';
  }
}

/** `knowledge/services/vhs-kleve.yaml: contact.phone: "0282 12" is not a valid phone number` */
export function formatIssue(issue: KnowledgeIssue): string {
  return issue.path ? `${issue.file}: ${issue.path}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Reads and validates one YAML or JSON file; issues are appended, the value returned only when valid. */
export function readDataFile<T extends z.ZodType>(file: string, schema: T, issues: KnowledgeIssue[]): z.infer<T> | undefined {
  const shown = displayPath(file);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    issues.push({ file: shown, path: '', message: `cannot be read (${(error as Error).message})` });
    return undefined;
  }
  const doc = parseDocument(raw, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = e.linePos?.[0] ? `line ${e.linePos[0].line}` : '';
      issues.push({ file: shown, path: line, message: e.message.split('\n')[0] ?? e.message });
    }
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    for (const issue of result.error.issues) {
      // An unknown field is named by its own path, not its parent's.
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
      issues.push({ file: shown, path: path.map(String).join('.'), message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message });
    }
    return undefined;
  }
  return result.data;
}

function dataFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Loads the whole knowledge base and checks references between files
 * (topics, municipalities, teams, unique ids, file name = id).
 * @returns the knowledge base and every issue; `kb` is undefined when any file failed validation.
 */
export function loadKnowledge(dir: string = DEFAULT_KNOWLEDGE_DIR): { kb?: KnowledgeBase; issues: KnowledgeIssue[]; warnings: KnowledgeIssue[] } {
  const issues: KnowledgeIssue[] = [];
  /** Dangling references: the entry still loads, but is invisible for that topic or town. */
  const warnings: KnowledgeIssue[] = [];
  const taxonomy = readDataFile(join(dir, 'taxonomy.json'), taxonomySchema, issues);
  const districtFiles = dataFiles(join(dir, 'district'));
  if (districtFiles.length !== 1) {
    issues.push({ file: displayPath(join(dir, 'district')), path: '', message: `must hold exactly one district file, found ${districtFiles.length}` });
  }
  const district = districtFiles[0] ? readDataFile(districtFiles[0], districtSchema, issues) : undefined;
  const crisisFile = readDataFile(join(dir, 'crisis.yaml'), crisisFileSchema, issues);

  const services: ServiceEntry[] = [];
  const seen = new Map<string, string>();
  for (const file of dataFiles(join(dir, 'services'))) {
    const entry = readDataFile(file, serviceEntrySchema, issues);
    if (!entry) continue;
    const shown = displayPath(file);
    const stem = basename(file).replace(/\.(ya?ml|json)$/, '');
    if (stem !== entry.id) issues.push({ file: shown, path: 'id', message: `"${entry.id}" must match the file name "${stem}"` });
    const other = seen.get(entry.id);
    if (other) issues.push({ file: shown, path: 'id', message: `"${entry.id}" is already used by ${other}` });
    seen.set(entry.id, shown);
    services.push(entry);
  }

  if (taxonomy) {
    const topicIds = new Set(taxonomy.topics.map((t) => t.id));
    for (const entry of services) {
      const shown = seen.get(entry.id) ?? entry.id;
      entry.topics.forEach((topic, i) => {
        if (!topicIds.has(topic)) warnings.push({ file: shown, path: `topics.${i}`, message: `unknown topic "${topic}"` });
      });
    }
    if (district) {
      district.welcomeCenter.posts.forEach((post, p) =>
        post.topics.forEach((topic, i) => {
          if (!topicIds.has(topic)) issues.push({ file: displayPath(districtFiles[0]!), path: `welcomeCenter.posts.${p}.topics.${i}`, message: `unknown topic "${topic}"` });
        }),
      );
    }
  }
  if (district) {
    const municipalityIds = new Set(district.municipalities.map((m) => m.id));
    const teamIds = new Set(district.teams.map((t) => t.id));
    // One name, one town: a village or spelling given to two towns, or to a town and one outside the district, would
    // name whichever comes first.
    const townOf = new Map<string, string>(district.elsewhere.map((name) => [nameKey(name), 'elsewhere']));
    district.municipalities.forEach((m, i) => {
      if (!teamIds.has(m.team)) issues.push({ file: displayPath(districtFiles[0]!), path: `municipalities.${i}.team`, message: `unknown team "${m.team}"` });
      for (const [field, names] of [['name', [m.name]], ['aliases', m.aliases], ['wordAliases', m.wordAliases]] as const) {
        names.forEach((name, j) => {
          const other = townOf.get(nameKey(name));
          const path = field === 'name' ? `municipalities.${i}.name` : `municipalities.${i}.${field}.${j}`;
          if (other && other !== m.id) issues.push({ file: displayPath(districtFiles[0]!), path, message: `"${name}" names ${other === 'elsewhere' ? 'a town outside the district' : `"${other}"`} too` });
          townOf.set(nameKey(name), m.id);
        });
      }
    });
    for (const entry of services) {
      if (entry.area.scope !== 'municipalities') continue;
      entry.area.municipalities.forEach((m, i) => {
        if (!municipalityIds.has(m)) warnings.push({ file: seen.get(entry.id) ?? entry.id, path: `area.municipalities.${i}`, message: `unknown municipality "${m}"` });
      });
    }
  }

  // A crisis service that is not in the knowledge base is left out of the crisis reply.
  if (crisisFile) {
    for (const [kind, ids] of Object.entries(crisisFile.services)) {
      ids.forEach((id, i) => {
        if (!seen.has(id)) warnings.push({ file: displayPath(join(dir, 'crisis.yaml')), path: `services.${kind}.${i}`, message: `unknown service entry "${id}"` });
      });
    }
  }

  if (issues.length > 0 || !taxonomy || !district || !crisisFile) return { issues, warnings };
  return { kb: { taxonomy, district, services, crisis: crisisFile.resources, crisisServices: crisisFile.services }, issues, warnings };
}

/** Loads the knowledge base or throws a {@link KnowledgeError} listing every problem. */
export function loadKnowledgeOrThrow(dir?: string): KnowledgeBase {
  const { kb, issues } = loadKnowledge(dir);
  if (!kb) throw new KnowledgeError(issues);
  return kb;
}

/** A town's name as the town finder compares it: normalised words joined by one space ("Bedburg-Hau" is "bedburg hau"). */
function nameKey(name: string): string {
  return normalise(name).split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
}
