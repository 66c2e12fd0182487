import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TicketEntity } from './ticket.entity';

/** The tickets' entity, for every role; the agent ticket API is TicketApiModule (src/ticket-api), which the API module imports. */
@Module({ imports: [TypeOrmModule.forFeature([TicketEntity])], exports: [TypeOrmModule] })
export class TicketsModule {}
