/**
 * Every helpdesk the service connects to: the one list the helpdesk type, the ticket sources, the write-back
 * queues and the adapter record (src/helpdesk/adapters) are made from. It lives under platform/ because the
 * queue wiring is generated from it, and platform/ imports no feature folder.
 */
export const HELPDESKS = ['zendesk', 'freshdesk'] as const;

export type Helpdesk = (typeof HELPDESKS)[number];

export function isHelpdesk(value: unknown): value is Helpdesk {
  return (HELPDESKS as readonly unknown[]).includes(value);
}

/** A source that names no helpdesk of HELPDESKS: refused, never sent to another helpdesk. */
export class UnknownHelpdeskError extends Error {
  constructor(readonly source: unknown) {
    super(`unknown helpdesk ${JSON.stringify(String(source).slice(0, 40))}: expected one of ${HELPDESKS.join(', ')}`);
    this.name = 'UnknownHelpdeskError';
  }
}

/** The helpdesk a source names, or UnknownHelpdeskError. */
export function helpdeskOf(source: unknown): Helpdesk {
  if (!isHelpdesk(source)) throw new UnknownHelpdeskError(source);
  return source;
}

/** One value per helpdesk, made by `make`: a record that has every helpdesk of HELPDESKS by construction. */
export function perHelpdesk<T>(make: (helpdesk: Helpdesk) => T): Record<Helpdesk, T> {
  return Object.fromEntries(HELPDESKS.map((helpdesk) => [helpdesk, make(helpdesk)])) as Record<Helpdesk, T>;
}
