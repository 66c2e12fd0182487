import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TicketSignals } from './labels';

/**
 * Where a ticket's label can come from: its latest override that named a cause, its tags, its solved outcomes.
 * Only tickets the default pack triaged (whose weights these are; $2): another pack's causes are not its own.
 */
const SIGNALS = `
  SELECT t.id, t.subject,
         concat_ws(E'\\n\\n', t.description,
           (SELECT string_agg(c->>'body', E'\\n\\n' ORDER BY c->>'at') FROM jsonb_array_elements(t.conversation) c)) AS text,
         t.tags,
         (SELECT o.cause_id FROM triage_overrides o
           WHERE o.ticket_id = t.id AND o.cause_id IS NOT NULL ORDER BY o.created_at DESC, o.id DESC LIMIT 1) AS override_cause,
         ARRAY(SELECT u.macro_id FROM outcomes u
           WHERE u.ticket_id = t.id AND u.resolved AND u.attribution <> 'suggested' ORDER BY u.macro_id) AS resolved_macros
  FROM tickets t
  WHERE t.erased_at IS NULL
    AND COALESCE((SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id), $2) = $2
    AND (EXISTS (SELECT 1 FROM triage_overrides o WHERE o.ticket_id = t.id AND o.cause_id IS NOT NULL)
     OR EXISTS (SELECT 1 FROM outcomes u WHERE u.ticket_id = t.id AND u.resolved AND u.attribution <> 'suggested')
     OR EXISTS (SELECT 1 FROM unnest(t.tags) g WHERE starts_with(g, $1)))
  ORDER BY t.created_at, t.id`;

/** The label signals of the service's tickets, for refits of the cause model. */
@Injectable()
export class LabelSignalsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Every ticket of the pack with a signal naming its cause (a `<tagPrefix>` tag among them), its text still
   * held: tickets whose personal data was erased (erased_at set) hold no text to learn from.
   */
  async ofPack(tagPrefix: string, packId: string): Promise<TicketSignals[]> {
    const rows: {
      id: string;
      subject: string;
      text: string | null;
      tags: string[];
      override_cause: string | null;
      resolved_macros: string[];
    }[] = await this.db.query(SIGNALS, [tagPrefix, packId]);
    return rows.map((r) => ({
      ticketId: r.id,
      subject: r.subject ?? '',
      text: r.text ?? '',
      tags: r.tags ?? [],
      overrideCause: r.override_cause,
      resolvedMacros: r.resolved_macros ?? [],
    }));
  }
}
