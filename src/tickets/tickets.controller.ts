import { Controller, Get, Param } from '@nestjs/common';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { TicketsService } from './tickets.service';

@Controller('v1/tickets')
@RequireScope('agent')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get(':id')
  get(@Param('id') id: string) {
    return this.tickets.get(id);
  }
}
