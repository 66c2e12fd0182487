import type { CompiledPack } from '../engine';

/** Names and priors from the knowledge pack, so the report reads in words and knows what each fix promised. */
export interface ReportCatalog {
  readonly packVersion: string;
  readonly causes: ReadonlyMap<string, string>;
  readonly symptoms: ReadonlyMap<string, string>;
  readonly macros: ReadonlyMap<string, { title: string; prior: { alpha: number; beta: number } }>;
  /** Old macro and symptom ids, mapped to the current ones. */
  readonly aliases: ReadonlyMap<string, string>;
}

export function catalogFromPack(pack: CompiledPack): ReportCatalog {
  const def = pack.definition;
  const aliases = new Map<string, string>();
  for (const m of def.macros) for (const a of m.aliases) aliases.set(a, m.id);
  for (const s of def.symptoms) for (const a of s.aliases) aliases.set(a, s.id);
  return {
    packVersion: def.version,
    causes: new Map(def.causes.map((c) => [c.id, c.title])),
    symptoms: new Map(def.symptoms.map((s) => [s.id, s.title])),
    macros: new Map(def.macros.map((m) => [m.id, { title: m.title, prior: { alpha: m.prior.alpha, beta: m.prior.beta } }])),
    aliases,
  };
}
