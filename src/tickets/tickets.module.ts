import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TicketEntity } from './ticket.entity';

/** The tickets' entity; the agent ticket API's controller and services are registered by the API module. */
@Module({ imports: [TypeOrmModule.forFeature([TicketEntity])], exports: [TypeOrmModule] })
export class TicketsModule {}
