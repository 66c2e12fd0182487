import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TicketEntity } from './ticket.entity';

/** The tickets' entity; the agent ticket API (src/ticket-api) is registered by the API module. */
@Module({ imports: [TypeOrmModule.forFeature([TicketEntity])], exports: [TypeOrmModule] })
export class TicketsModule {}
