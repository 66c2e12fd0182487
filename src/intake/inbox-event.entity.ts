import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { InboxPayload } from '../tickets/ticket-event';
import type { TicketSource } from '../tickets/ticket.entity';

export const INBOX_STATES = ['pending', 'processed', 'failed'] as const;
export type InboxState = (typeof INBOX_STATES)[number];

/** Durable record of every accepted event; the queue is only a copy of the pending rows. */
@Entity({ name: 'inbox_events' })
@Index('ix_inbox_pending', ['receivedAt'], { where: "state = 'pending'" })
export class InboxEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('varchar', { length: 20 })
  source: TicketSource;

  @Column('varchar', { name: 'dedupe_key', length: 300, unique: true })
  dedupeKey: string;

  @Column('varchar', { length: 30 })
  kind: string;

  @Column('jsonb')
  payload: InboxPayload;

  /** Event time: the source's updatedAt when given, else the time it was received. */
  @Column('timestamptz', { name: 'event_at' })
  eventAt: Date;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt: Date;

  @Column('varchar', { length: 10, default: 'pending' })
  state: InboxState;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt: Date | null;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  /** The queue job that triages the events accepted together with this one (null: a job of its own). */
  @Column('varchar', { name: 'batch_job_id', length: 64, nullable: true })
  batchJobId: string | null;
}
