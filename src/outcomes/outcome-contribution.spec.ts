import { contribution, replacementDelta, OutcomeFacts } from './outcome-contribution';

const outcome = (o: Partial<OutcomeFacts> = {}): OutcomeFacts => ({
  macroId: 'storage_manage',
  resolved: true,
  weight: 1,
  causeId: 'storage_full',
  symptomIds: ['not_enough_storage', 'storage_quota_full'],
  ...o,
});

describe('fix statistics contributions', () => {
  it('counts an outcome once under each symptom and once under its cause', () => {
    const rows = contribution(outcome());
    expect(rows).toEqual([
      { dimension: 'symptom', key: 'not_enough_storage', macroId: 'storage_manage', successes: 1, failures: 0 },
      { dimension: 'symptom', key: 'storage_quota_full', macroId: 'storage_manage', successes: 1, failures: 0 },
      { dimension: 'cause', key: 'storage_full', macroId: 'storage_manage', successes: 1, failures: 0 },
    ]);
  });

  it('counts a failure with its weight', () => {
    expect(contribution(outcome({ resolved: false, weight: 0.5, symptomIds: [] }))).toEqual([
      { dimension: 'cause', key: 'storage_full', macroId: 'storage_manage', successes: 0, failures: 0.5 },
    ]);
  });

  it('changes nothing when the same outcome arrives again', () => {
    expect(replacementDelta(outcome(), outcome())).toEqual([]);
  });

  it('moves a success to a failure when a later signal says not resolved', () => {
    const delta = replacementDelta(outcome({ symptomIds: ['a'] }), outcome({ symptomIds: ['a'], resolved: false }));
    expect(delta).toEqual([
      { dimension: 'symptom', key: 'a', macroId: 'storage_manage', successes: -1, failures: 1 },
      { dimension: 'cause', key: 'storage_full', macroId: 'storage_manage', successes: -1, failures: 1 },
    ]);
  });
});
