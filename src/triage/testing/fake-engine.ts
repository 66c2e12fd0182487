import type { RoutedTicket } from '../../knowledge/pack-routing';
import type { EngineService } from '../engine.service';

/** A pack as the fake engine knows it: its causes, and its macros with their aliases and causes. */
export interface FakePack {
  id: string;
  causes: string[];
  macros: { id: string; title: string; causeIds: string[]; aliases?: string[] }[];
  /** Tickets carrying one of these tags are routed to the pack. */
  routeTags?: string[];
}

/**
 * The packs' lookups of EngineService over a few packs described in the test (the first is the default), for
 * unit tests of services that check causes and macros against a ticket's pack or route tickets. A rendered macro's
 * body names the ticket's subject and the pack it was rendered from.
 */
export function fakeEngine(packs: FakePack[]): EngineService {
  const byId = new Map(packs.map((p) => [p.id, p]));
  const defaultPackId = packs[0].id;
  const route = (ticket: RoutedTicket) => packs.find((p) => p.routeTags?.some((t) => ticket.tags?.includes(t)))?.id ?? defaultPackId;
  const macroOfPack = (idOrAlias: string, packId: string) =>
    byId.get(packId)?.macros.find((m) => m.id === idOrAlias || (m.aliases ?? []).includes(idOrAlias));
  const engine: Partial<EngineService> = {
    defaultPackId,
    list: () => packs.map((p) => ({ id: p.id }) as ReturnType<EngineService['list']>[number]),
    hasPack: (id) => byId.has(id),
    route,
    packOfTicket: (ticket) => ticket.packId || route(ticket),
    packHasCause: (causeId, packId) => byId.get(packId)?.causes.includes(causeId) ?? false,
    macroOfPack: (idOrAlias, packId) => macroOfPack(idOrAlias, packId) as ReturnType<EngineService['macroOfPack']>,
    macroForCause: (causeId, packId) => byId.get(packId ?? defaultPackId)?.macros.find((m) => m.causeIds.includes(causeId))?.id ?? null,
    renderMacro: (idOrAlias, input, _entities, packId) => {
      const pack = packId ?? defaultPackId;
      const macro = macroOfPack(idOrAlias, pack);
      return macro ? { id: macro.id, title: macro.title, body: `${macro.title} (${pack}) for: ${input.subject}` } : null;
    },
  };
  return engine as EngineService;
}
