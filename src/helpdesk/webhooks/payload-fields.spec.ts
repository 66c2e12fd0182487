import fc from 'fast-check';
import type { z } from 'zod';
import {
  payloadBoolean,
  payloadDate,
  payloadId,
  payloadObject,
  payloadStampedDate,
  payloadString,
  payloadStringList,
  payloadTicketId,
  readPayload,
} from './payload-fields';

/** A body shaped like the helpdesks' (objects in objects), with required, optional and hint fields. */
const schema = payloadObject({
  event: payloadString(),
  ticket: payloadObject(
    {
      id: payloadTicketId({ required: true }),
      title: payloadString(),
      description: payloadString({ required: true }),
      tags: payloadStringList(),
      public: payloadBoolean(),
      updated_at: payloadStampedDate(),
      created_at: payloadDate(),
      author: payloadObject({ id: payloadId({ hint: true }), staff: payloadBoolean({ hint: true }) }, { hint: true }),
    },
    { required: true },
  ),
  current_user: payloadObject({ id: payloadId(), email: payloadString() }, { hint: true }),
  via: payloadObject({ channel: payloadString() }),
});

/** Field values as helpdesks send them, right and wrong: placeholders, numbers as ids, lists, nulls, objects. */
const value = fc.oneof(
  fc.constantFrom(null, undefined, '', ' ', '{{ticket.id}}', 'true', 'false', '2026-12-05T10:00:00Z', 'not a date', 'a, b c'),
  fc.integer({ min: -5, max: 1e6 }),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
  fc.constant({}),
);
const object = (keys: string[]) => fc.oneof(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length }), value);
const body = fc.oneof(
  fc.record(
    {
      event: value,
      ticket: fc.oneof(
        object(['id', 'title', 'description', 'tags', 'public', 'updated_at', 'created_at']),
        fc.record({
          id: fc.integer({ min: 1, max: 1e9 }),
          description: fc.string({ minLength: 1, maxLength: 12 }),
          author: object(['id', 'staff']),
        }),
      ),
      current_user: object(['id', 'email']),
      via: object(['channel']),
    },
    { requiredKeys: [] },
  ),
  value,
);

/** What zod alone answers for the body: its value, or one detail per wrong field. */
function zodRead<T>(s: z.ZodType<T>, input: unknown): { value?: T; problems: string[] } {
  const parsed = s.safeParse(input);
  return parsed.success
    ? { value: parsed.data, problems: [] }
    : { problems: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`) };
}

describe('readPayload', () => {
  it('answers what zod answers for any body: the same value, or the same details', () => {
    fc.assert(
      fc.property(body, (input) => {
        expect(readPayload(schema, input)).toEqual(zodRead(schema, input));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a well-formed body with every field converted', () => {
    const read = readPayload(schema, {
      ticket: { id: 42, description: 'Backup fails', tags: 'ios, backup ios', public: 'true', updated_at: '2026-12-05T10:00:00Z' },
      current_user: 'not an object, read as empty',
    });
    expect(read.problems).toEqual([]);
    expect(read.value!.ticket).toMatchObject({
      id: '42',
      description: 'Backup fails',
      tags: ['ios', 'backup'],
      public: true,
      updated_at: { raw: '2026-12-05T10:00:00Z', date: new Date('2026-12-05T10:00:00Z') },
    });
    expect(read.value!.current_user).toEqual({ id: '', email: '' });
  });

  it('names every wrong field of a body by its path', () => {
    expect(readPayload(schema, { ticket: { id: 'abc', public: 3 } }).problems).toEqual([
      'ticket.id: expected a ticket id: a positive integer of up to 20 digits',
      'ticket.description: required',
      'ticket.public: expected a boolean',
    ]);
  });
});
