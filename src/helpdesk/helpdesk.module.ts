import { Module } from '@nestjs/common';
import { helpdeskAdaptersProvider } from './adapters/helpdesk-adapters';
import { HelpdeskRegistry } from './helpdesk-registry.service';
import { WritebackRepository } from './writeback.repository';

/** The helpdesk adapters and the registry that applies the configuration to them (clients, webhook authenticators). */
@Module({ providers: [helpdeskAdaptersProvider, HelpdeskRegistry, WritebackRepository], exports: [HelpdeskRegistry, WritebackRepository] })
export class HelpdeskModule {}
