import { PickType } from '@nestjs/swagger';
import { CreateTicketDto } from '../tickets/create-ticket.dto';

/** The text of a ticket, validated like the intake's: triaged now, stored nowhere. */
export class TriagePreviewDto extends PickType(CreateTicketDto, ['subject', 'description', 'requester'] as const) {}
