import { TicketEntity } from '../../tickets/ticket.entity';
import { InboxEventEntity } from '../../intake/inbox-event.entity';
import { TriageResultEntity } from '../../triage/triage-result.entity';
import { ApiKeyEntity } from '../auth/api-key.entity';

export const ENTITIES = [TicketEntity, InboxEventEntity, TriageResultEntity, ApiKeyEntity];
