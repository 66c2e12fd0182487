import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { HELPDESKS } from '../platform/queue/helpdesks';

/** The API, or a helpdesk's webhooks. */
export const TICKET_SOURCES = ['api', ...HELPDESKS] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TRIAGE_STATES = ['queued', 'done', 'failed'] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];

export interface Requester {
  email?: string;
  name?: string;
  firstName?: string;
}

@Entity({ name: 'tickets' })
@Index('uq_tickets_source_external', ['source', 'externalId'], { unique: true })
export class TicketEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 20 })
  source: TicketSource;

  @Column('varchar', { name: 'external_id', length: 200 })
  externalId: string;

  @Column('text')
  subject: string;

  @Column('text')
  description: string;

  @Column('varchar', { length: 20, nullable: true })
  status: TicketStatus | null;

  @Column('jsonb', { nullable: true })
  requester: Requester | null;

  @Column('text', { array: true, default: () => "'{}'" })
  tags: string[];

  /** Creation and update times the source reported, when it did. */
  @Column('timestamptz', { name: 'source_created_at', nullable: true })
  sourceCreatedAt: Date | null;

  @Column('timestamptz', { name: 'source_updated_at', nullable: true })
  sourceUpdatedAt: Date | null;

  @Column('varchar', { name: 'triage_state', length: 10 })
  triageState: TriageState;

  @Column('text', { name: 'triage_error', nullable: true })
  triageError: string | null;

  @Column('uuid', { name: 'latest_triage_id', nullable: true })
  latestTriageId: string | null;

  /** Event time of the result in latest_triage_id: an older event finishing late does not replace it. */
  @Column('timestamptz', { name: 'latest_event_at', nullable: true })
  latestEventAt: Date | null;

  /** When the ticket's personal data was erased (on request or by retention); null while its text is held. */
  @Column('timestamptz', { name: 'erased_at', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
