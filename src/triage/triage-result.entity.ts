import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TriageResult } from '../engine';

/** Every triage ever made is kept; at most one per inbox event. */
@Entity({ name: 'triage_results' })
@Index('ix_triage_results_ticket', ['ticketId', 'triagedAt'])
export class TriageResultEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('uuid', { name: 'inbox_id', unique: true })
  inboxId: string;

  @Column('varchar', { name: 'pack_version', length: 50 })
  packVersion: string;

  /** The pack (folder name in PACKS_DIR) the ticket was routed to. */
  @Column('varchar', { name: 'pack_id', length: 64 })
  packId: string;

  @Column('varchar', { name: 'cause_id', length: 100 })
  causeId: string;

  @Column('double precision')
  confidence: number;

  @Column('varchar', { name: 'macro_id', length: 100 })
  macroId: string;

  @Column('text', { name: 'symptom_ids', array: true })
  symptomIds: string[];

  @Column('jsonb')
  result: TriageResult;

  @Column('timestamptz', { name: 'event_at' })
  eventAt: Date;

  @Column('timestamptz', { name: 'triaged_at' })
  triagedAt: Date;
}
