import { collectLabels, labelOf, taggedCauses, type LabelCatalog, type TicketSignals } from './labels';

const MACROS: Record<string, readonly string[]> = {
  connect_stable_wifi: ['wifi'],
  manage_icloud_storage: ['storage_full'],
  restart_device: ['software_glitch'],
  contact_apple_support: [],
  two_causes: ['wifi', 'power'],
};
const ALIASES: Record<string, string> = { free_up_icloud: 'manage_icloud_storage' };

const catalog: LabelCatalog = {
  causeIds: ['wifi', 'power', 'storage_full', 'software_glitch', 'other'],
  macroCauses: (id) => MACROS[ALIASES[id] ?? id],
};

function ticket(overrides: Partial<TicketSignals> = {}): TicketSignals {
  return {
    ticketId: 't1',
    subject: 'Backup',
    text: 'My backup fails every night.',
    tags: [],
    overrideCause: null,
    resolvedMacros: [],
    ...overrides,
  };
}

describe('labels for a refit', () => {
  it("takes an agent's override first, over tags and outcomes", () => {
    const t = ticket({ overrideCause: 'power', tags: ['triage_cause_is_wifi'], resolvedMacros: ['manage_icloud_storage'] });
    expect(labelOf(t, catalog, 'triage_')).toEqual({ label: 'power', source: 'override' });
  });

  it('takes a cause_is_ tag with the configured prefix when there is no override', () => {
    expect(labelOf(ticket({ tags: ['vip', 'triage_cause_is_wifi'] }), catalog, 'triage_')).toEqual({ label: 'wifi', source: 'tag' });
    // Another prefix is not the service's tag; the service's own cause tags are not an agent's word.
    expect(labelOf(ticket({ tags: ['other_cause_is_wifi', 'triage_cause_wifi'] }), catalog, 'triage_')).toEqual({ skipped: 'no_signal' });
    expect(labelOf(ticket({ tags: ['cause_is_power'] }), catalog, '')).toEqual({ label: 'power', source: 'tag' });
  });

  it('ignores tags and overrides naming causes the pack does not have, and counts the tags', () => {
    expect(taggedCauses(['triage_cause_is_wiif', 'triage_cause_is_wifi'], 'triage_', catalog.causeIds)).toEqual({
      known: ['wifi'],
      unknown: 1,
    });
    expect(labelOf(ticket({ overrideCause: 'gone_cause', resolvedMacros: ['connect_stable_wifi'] }), catalog, 'triage_')).toEqual({
      label: 'wifi',
      source: 'outcome',
    });
  });

  it('gives no label for tags naming different causes', () => {
    expect(labelOf(ticket({ tags: ['triage_cause_is_wifi', 'triage_cause_is_power'] }), catalog, 'triage_')).toEqual({
      skipped: 'conflicting_tags',
    });
    // The same cause twice is one label.
    expect(labelOf(ticket({ tags: ['triage_cause_is_wifi', 'triage_cause_is_wifi'] }), catalog, 'triage_')).toEqual({
      label: 'wifi',
      source: 'tag',
    });
  });

  it('labels a solved ticket with the cause of its resolving macro when that macro fixes one cause', () => {
    expect(labelOf(ticket({ resolvedMacros: ['restart_device'] }), catalog, 'triage_')).toEqual({
      label: 'software_glitch',
      source: 'outcome',
    });
    expect(labelOf(ticket({ resolvedMacros: ['free_up_icloud'] }), catalog, 'triage_')).toEqual({
      label: 'storage_full',
      source: 'outcome',
    });
    // A macro of no cause or of several causes, or an unknown one, says nothing about the cause.
    for (const macro of ['contact_apple_support', 'two_causes', 'no_such_macro']) {
      expect(labelOf(ticket({ resolvedMacros: [macro] }), catalog, 'triage_')).toEqual({ skipped: 'no_signal' });
    }
    expect(labelOf(ticket({ resolvedMacros: ['contact_apple_support', 'connect_stable_wifi'] }), catalog, 'triage_')).toEqual({
      label: 'wifi',
      source: 'outcome',
    });
  });

  it('gives no label when resolving macros name different causes', () => {
    expect(labelOf(ticket({ resolvedMacros: ['connect_stable_wifi', 'restart_device'] }), catalog, 'triage_')).toEqual({
      skipped: 'conflicting_outcomes',
    });
  });

  it('uses only tickets whose text is still held', () => {
    expect(labelOf(ticket({ text: '  ', overrideCause: 'wifi' }), catalog, 'triage_')).toEqual({ skipped: 'no_text' });
  });

  it('collects labelled tickets with counts by source and of what was left out', () => {
    const rows = [
      ticket({ ticketId: 'a', overrideCause: 'wifi' }),
      ticket({ ticketId: 'b', tags: ['triage_cause_is_power', 'triage_cause_is_nope'] }),
      ticket({ ticketId: 'c', resolvedMacros: ['restart_device'] }),
      ticket({ ticketId: 'd', resolvedMacros: ['connect_stable_wifi', 'restart_device'] }),
      ticket({ ticketId: 'e', text: '', overrideCause: 'other' }),
    ];
    const collected = collectLabels(rows, catalog, 'triage_');
    expect(collected.tickets).toEqual([
      { id: 'a', subject: 'Backup', description: 'My backup fails every night.', label: 'wifi' },
      { id: 'b', subject: 'Backup', description: 'My backup fails every night.', label: 'power' },
      { id: 'c', subject: 'Backup', description: 'My backup fails every night.', label: 'software_glitch' },
    ]);
    expect(collected.bySource).toEqual({ override: 1, tag: 1, outcome: 1 });
    expect(collected.skipped).toEqual({ conflicting_outcomes: 1, no_text: 1 });
    expect(collected.unknownTagCauses).toBe(1);
  });
});
