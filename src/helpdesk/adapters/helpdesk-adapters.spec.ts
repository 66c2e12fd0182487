import { PATH_METADATA } from '@nestjs/common/constants';
import { UnrecoverableError } from 'bullmq';
import { WEBHOOK_CONTROLLERS } from '../../intake/helpdesk-webhook.controller';
import type { AppConfig } from '../../platform/config/app-config.service';
import { HELPDESKS, UnknownHelpdeskError } from '../../platform/queue/helpdesks';
import { QUEUE_JOBS, QUEUE_SETTINGS, QueueName, validatePayload, WRITEBACK_QUEUE } from '../../platform/queue/queues';
import { TICKET_SOURCES } from '../../tickets/ticket.entity';
import { HelpdeskRegistry } from '../helpdesk-registry.service';
import { WritebackService } from '../writeback.service';
import { adapterOf, helpdeskAdapters } from './helpdesk-adapters';

/** Every helpdesk configured, so a refusal cannot come from missing credentials. */
function fullConfig(): AppConfig {
  const values: Record<string, unknown> = {
    ZENDESK_URL: 'https://acme.zendesk.com',
    ZENDESK_EMAIL: 'triage@acme.com',
    ZENDESK_API_TOKEN: 'token',
    FRESHDESK_URL: 'https://acme.freshdesk.com',
    FRESHDESK_API_KEY: 'key',
  };
  return { get: (key: string) => values[key] } as unknown as AppConfig;
}

describe('helpdesk adapters', () => {
  it.each(HELPDESKS)('%s has its adapter, webhook path and write-back queue, whose worker runs write-back jobs', (helpdesk) => {
    const adapter = helpdeskAdapters[helpdesk];
    expect(adapter.id).toBe(helpdesk);
    expect(adapter.webhookPath).toBe(`/webhooks/${helpdesk}`);
    expect(adapter.settings.writebackQueue).toBe(`writeback-${helpdesk}`);
    expect(QUEUE_SETTINGS[adapter.settings.writebackQueue]).toBeDefined();
    expect(Object.values(QueueName)).toContain(adapter.settings.writebackQueue);
    expect(QUEUE_JOBS[adapter.settings.writebackQueue]).toEqual(['writeback']);
    expect(Reflect.getMetadata(PATH_METADATA, WEBHOOK_CONTROLLERS[helpdesk])).toBe(`webhooks/${helpdesk}`);
    expect(TICKET_SOURCES).toContain(helpdesk);
  });

  it('lists exactly the helpdesks of HELPDESKS', () => {
    expect(Object.keys(helpdeskAdapters).sort()).toEqual([...HELPDESKS].sort());
    expect(Object.keys(WRITEBACK_QUEUE).sort()).toEqual([...HELPDESKS].sort());
    expect(Object.keys(WEBHOOK_CONTROLLERS).sort()).toEqual([...HELPDESKS].sort());
  });

  it('keeps the queue names existing jobs are on', () => {
    expect(QueueName.WritebackZendesk).toBe('writeback-zendesk');
    expect(QueueName.WritebackFreshdesk).toBe('writeback-freshdesk');
    expect(Object.values(QueueName)).toEqual(['triage', 'writeback-zendesk', 'writeback-freshdesk', 'reports', 'maintenance']);
  });

  it.each(['intercom', 'api', '', 'Zendesk', undefined])('refuses the source %p rather than routing it to a helpdesk', (source) => {
    expect(() => adapterOf(helpdeskAdapters, source)).toThrow(UnknownHelpdeskError);
    const registry = new HelpdeskRegistry(fullConfig());
    expect(() => registry.adapter(source)).toThrow(UnknownHelpdeskError);
    expect(() => registry.client(source as never)).toThrow(UnknownHelpdeskError);
    expect(() => registry.isEnabled(source as never)).toThrow(UnknownHelpdeskError);
  });

  it('refuses a write-back job for an unknown helpdesk when it is created', () => {
    const writebackId = '00000000-0000-4000-8000-000000000000';
    expect(() => validatePayload('writeback', { writebackId, helpdesk: 'intercom' as never })).toThrow(/unknown helpdesk intercom/);
  });

  it('gives up, without a retry, a stored write-back whose helpdesk is unknown', async () => {
    const row = { id: 'w1', helpdesk: 'intercom', state: 'pending', external_id: '1', triage_result_id: 'r1' };
    const stored = { find: jest.fn().mockResolvedValue(row) };
    const registry = new HelpdeskRegistry(fullConfig());
    const client = jest.spyOn(registry, 'client');
    const writebacks = new WritebackService(stored as never, registry, fullConfig());
    await expect(writebacks.run('w1')).rejects.toThrow(UnrecoverableError);
    await expect(writebacks.run('w1')).rejects.toThrow(/unknown helpdesk "intercom"/);
    expect(client).not.toHaveBeenCalled();
  });

  it('writes Zendesk notes as text and Freshdesk notes as HTML', () => {
    expect(helpdeskAdapters.zendesk.noteFormat).toBe('text');
    expect(helpdeskAdapters.freshdesk.noteFormat).toBe('html');
  });
});
