import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { ArgumentMetadata } from '@nestjs/common';
import { FastValidationPipe } from '../platform/http/fast-validation.pipe';
import { TICKET_STATUSES } from './ticket.entity';
import { CreateTicketDto, isValidCreateTicket } from './create-ticket.dto';

const fullValidation = (body: unknown) =>
  validateSync(plainToInstance(CreateTicketDto, body as object), { whitelist: true, forbidNonWhitelisted: true });

/** Values near a rule's edges: empty, at and over the limit (in UTF-16 units and in characters), wrong types. */
const edge = (max: number) =>
  fc.oneof(
    fc.constantFrom('', ' ', 'x'.repeat(max), 'x'.repeat(max + 1), '😀'.repeat(Math.ceil(max / 2) + 1)),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.constantFrom(null, 7, true, ['a'], {}),
  );
const some = (maxLength: number) => fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', '\u200b'), minLength: 1, maxLength });
const isoDate = fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString());

const word = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '0', '9'), minLength: 1, maxLength: 8 });
const email = fc.tuple(word, word, fc.constantFrom('com', 'org', 'co.uk')).map(([u, d, tld]) => `${u}.x@${d}.${tld}`);

/** A body the rules accept, most fields present or not. */
const validBody = fc.record(
  {
    externalId: some(20),
    subject: some(30),
    description: some(60),
    requester: fc.record({ email: email, name: some(20), firstName: some(10) }, { requiredKeys: [] }),
    tags: fc.array(some(10), { maxLength: 3 }),
    status: fc.constantFrom(...TICKET_STATUSES),
    createdAt: isoDate,
    updatedAt: isoDate,
  },
  { requiredKeys: ['externalId', 'description'] },
);

/** One field (or the requester's) changed to an edge value, removed, or an unknown field added. */
const perturbation = fc.oneof(
  fc.record({ path: fc.constantFrom('externalId', 'subject', 'description'), value: edge(200) }),
  fc.record({ path: fc.constant('subject'), value: edge(1000) }),
  fc.record({ path: fc.constant('description'), value: edge(65_536) }),
  fc.record({
    path: fc.constantFrom('requester.email', 'requester.name', 'requester.firstName'),
    value: fc.oneof(edge(100), edge(200), edge(320), fc.string()),
  }),
  fc.record({
    path: fc.constantFrom('requester', 'tags'),
    value: fc.constantFrom(
      null,
      'Ana',
      [],
      {},
      ['t'.repeat(201)],
      Array.from({ length: 201 }, () => 't'),
      [1],
    ),
  }),
  fc.record({ path: fc.constantFrom('status'), value: fc.constantFrom('gone', 'Open', '', null, 1) }),
  fc.record({
    path: fc.constantFrom('createdAt', 'updatedAt'),
    value: fc.oneof(
      fc.constantFrom('2026-11-25', '2026-11-25T14:05Z', '2026-02-30T10:00:00Z', 'yesterday', '2026-11-25T25:00:00Z', 20261125),
      fc.string(),
    ),
  }),
  fc.record({ path: fc.constantFrom('extra', 'requester.phone', '__proto__', 'constructor'), value: fc.string() }),
);

function perturbed(base: Record<string, unknown>, change: { path: string; value: unknown }): Record<string, unknown> {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(base));
  const [head, tail] = change.path.split('.');
  if (tail === undefined) Object.defineProperty(copy, head, { value: change.value, enumerable: true, configurable: true, writable: true });
  else copy[head] = { ...(copy[head] as object), [tail]: change.value };
  return copy;
}

const body = fc.oneof(
  validBody,
  fc.tuple(validBody, perturbation).map(([b, c]) => perturbed(b, c)),
);

describe('POST /v1/tickets fast validation', () => {
  it('never accepts a body the full validation refuses', () => {
    fc.assert(
      fc.property(body, (b) => {
        if (isValidCreateTicket(b)) expect(fullValidation(b)).toEqual([]);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the fast path for most valid bodies (the check is not vacuous)', () => {
    const samples = fc.sample(validBody, 500);
    const fast = samples.filter((b) => isValidCreateTicket(b)).length;
    expect(samples.filter((b) => fullValidation(b).length > 0)).toEqual([]);
    expect(fast / samples.length).toBeGreaterThan(0.95);
  });

  it('takes the fast path for the bodies callers send', () => {
    const bodies = [
      { externalId: 'T-1', description: 'Backup fails' },
      {
        externalId: 'T-2',
        subject: 'Backup',
        description: 'My iPhone says not enough storage.',
        requester: { email: 'ana@example.com', name: 'Ana Lima', firstName: 'Ana' },
        tags: ['ios', 'vip'],
        status: 'open',
        createdAt: '2026-11-25T14:05:00Z',
        updatedAt: '2026-11-25T14:06:00.123Z',
      },
    ];
    for (const b of bodies) {
      expect(fullValidation(b)).toEqual([]);
      expect(isValidCreateTicket(b)).toBe(true);
    }
  });

  it('hands a valid body on as parsed, and gives an invalid one the full validation and its messages', async () => {
    const pipe = new FastValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true });
    const metadata: ArgumentMetadata = { type: 'body', metatype: CreateTicketDto };
    const valid = { externalId: 'T-3', description: 'Backup fails' };
    expect(await pipe.transform(valid, metadata)).toBe(valid);
    await expect(pipe.transform({ externalId: '', description: 'x', nope: 1 }, metadata)).rejects.toMatchObject({
      response: { message: expect.arrayContaining(['property nope should not exist', 'externalId should not be empty']) },
    });
  });
});
