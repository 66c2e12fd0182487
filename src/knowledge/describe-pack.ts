/** JSON views of a compiled pack for the HTTP endpoints. */
import type { CompiledPack, MacroDef } from '../engine';

export interface PackDescription {
  readonly version: string;
  readonly causes: { id: string; title: string; description: string; prior: number }[];
  readonly symptoms: { id: string; title: string; description: string; causes: { id: string; weight: number }[] }[];
  readonly macros: {
    id: string;
    title: string;
    causeIds: string[];
    generic: boolean;
    body: string;
    variants: { when: string; body: string }[];
    aliases: string[];
  }[];
}

export function describePack(pack: CompiledPack): PackDescription {
  const def = pack.definition;
  return {
    version: def.version,
    causes: def.causes.map((c) => ({ id: c.id, title: c.title, description: c.description, prior: c.prior })),
    symptoms: def.symptoms.map((s) => ({
      id: s.id,
      title: s.title,
      description: s.description,
      causes: Object.entries(s.causes).map(([id, weight]) => ({ id, weight })),
    })),
    macros: def.macros.map((m) => ({
      id: m.id,
      title: m.title,
      causeIds: [...m.causeIds],
      generic: m.generic,
      body: m.body,
      variants: m.variants.map((v) => ({ when: v.when, body: v.body })),
      aliases: [...m.aliases],
    })),
  };
}

/** A macro by its id or by one of its old ids (aliases). */
export function findMacro(pack: CompiledPack, idOrAlias: string): MacroDef | undefined {
  return pack.macros.get(idOrAlias) ?? pack.macros.get(pack.macroAliases.get(idOrAlias) ?? '');
}
