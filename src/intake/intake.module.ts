import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboxEventEntity } from './inbox-event.entity';

/** The inbox events' entity; the intake routes and services are registered by the API module. */
@Module({ imports: [TypeOrmModule.forFeature([InboxEventEntity])], exports: [TypeOrmModule] })
export class IntakeModule {}
