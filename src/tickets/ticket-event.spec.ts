import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateTicketDto } from './create-ticket.dto';
import { dedupeKeyOf, TicketEvent } from './ticket-event';

const event = (overrides: Partial<TicketEvent> = {}): TicketEvent => ({
  source: 'api',
  externalId: 'A-1',
  subject: 'backup',
  description: 'it fails',
  ...overrides,
});

describe('dedupeKeyOf', () => {
  it('uses updatedAt when given, so the same update is one event', () => {
    const at = new Date('2026-11-20T10:00:00Z');
    expect(dedupeKeyOf(event({ updatedAt: at }))).toBe(dedupeKeyOf(event({ updatedAt: at, description: 'other' })));
    expect(dedupeKeyOf(event({ updatedAt: at }))).not.toBe(dedupeKeyOf(event({ updatedAt: new Date('2026-11-20T11:00:00Z') })));
  });

  it('hashes the content otherwise, so new content is a new event', () => {
    expect(dedupeKeyOf(event())).toBe(dedupeKeyOf(event()));
    expect(dedupeKeyOf(event())).not.toBe(dedupeKeyOf(event({ description: 'it fails again' })));
    expect(dedupeKeyOf(event({ subject: 'a', description: 'bc' }))).not.toBe(dedupeKeyOf(event({ subject: 'ab', description: 'c' })));
  });

  it('keeps sources and tickets apart', () => {
    expect(dedupeKeyOf(event())).not.toBe(dedupeKeyOf(event({ source: 'zendesk' })));
    expect(dedupeKeyOf(event())).not.toBe(dedupeKeyOf(event({ externalId: 'A-2' })));
  });
});

describe('CreateTicketDto', () => {
  const errorsFor = (body: object) =>
    validateSync(plainToInstance(CreateTicketDto, body), { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);

  it('accepts a minimal ticket', () => {
    expect(errorsFor({ externalId: '1', description: 'x' })).toEqual([]);
  });

  it('names each invalid field', () => {
    expect(errorsFor({ externalId: '', description: '', status: 'gone', tags: [1], createdAt: 'then' }).sort()).toEqual(
      ['createdAt', 'description', 'externalId', 'status', 'tags'].sort(),
    );
  });

  it('enforces the length limits of the contract', () => {
    expect(errorsFor({ externalId: 'e'.repeat(201), description: 'x' })).toEqual(['externalId']);
    expect(errorsFor({ externalId: '1', subject: 's'.repeat(1001), description: 'x' })).toEqual(['subject']);
    expect(errorsFor({ externalId: '1', description: 'd'.repeat(65_537) })).toEqual(['description']);
    expect(errorsFor({ externalId: '1', description: 'd'.repeat(65_536) })).toEqual([]);
  });
});
