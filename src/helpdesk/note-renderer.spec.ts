import type { TriageResult } from '../engine/types';
import { isServiceTag, renderNote, sanitizeTag, triageTags } from './note-renderer';

/** A triage result; override what the test is about. */
function makeResult(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    cause: { id: 'icloud_storage_full', confidence: 0.874 },
    causes: [
      {
        id: 'icloud_storage_full',
        score: 3.2,
        evidence: [
          {
            symptom: 'not_enough_storage',
            text: 'not enough iCloud storage',
            start: 10,
            end: 35,
            field: 'description',
            weight: 2.5,
            polarity: 'present',
          },
          { symptom: 'wifi_ok', text: 'wifi is fine', start: 40, end: 52, field: 'description', weight: -0.5, polarity: 'negated' },
        ],
      },
      { id: 'other', score: 0.1, evidence: [] },
    ],
    symptoms: [
      { id: 'not_enough_storage', text: 'not enough iCloud storage', start: 10, end: 35, field: 'description', polarity: 'present' },
      { id: 'wifi_ok', text: 'wifi is fine', start: 40, end: 52, field: 'description', polarity: 'negated' },
      { id: 'restarted', text: 'restarted twice', start: 60, end: 75, field: 'description', polarity: 'tried' },
    ],
    entities: {},
    macro: { id: 'free_up_icloud_storage', title: 'Free up iCloud storage', body: 'Hi Dana,\nOpen Settings > [your name] > iCloud.' },
    alternatives: [
      { id: 'buy_more_storage', title: 'Upgrade to iCloud+', stats: { uses: 10, successes: 7, rate: 0.68, interval: [0.4, 0.9] } },
      { id: 'restart_device', title: 'Restart the device' },
    ],
    packVersion: 'icloud-backup@2026.11.1',
    modelVersion: 'icloud-backup@2026.11.1/0',
    decision: 'auto',
    band: 'high',
    language: { code: 'en', confidence: 0.9 },
    ...overrides,
  };
}

const marker = 'triage-note:3f2a';

describe('renderNote as text', () => {
  const note = renderNote(makeResult(), { marker, format: 'text' });

  it('gives the cause with its confidence as a percentage', () => {
    expect(note).toContain('Likely cause: icloud_storage_full (confidence 87%)');
  });

  it('quotes the customer’s words for each symptom and says which were ruled out or tried', () => {
    expect(note).toContain('- not_enough_storage: "not enough iCloud storage"');
    expect(note).toContain('- wifi_ok: "wifi is fine" (ruled out by the customer)');
    expect(note).toContain('- restarted: "restarted twice" (already tried by the customer)');
  });

  it('lists the evidence with signed weights, strongest first', () => {
    expect(note).toMatch(/Evidence:\n- not_enough_storage \+2\.5: "not enough iCloud storage"\n- wifi_ok -0\.5: "wifi is fine"/);
  });

  it('shows the macro, the alternatives with their record, the pack version and the marker', () => {
    expect(note).toContain('Suggested macro: Free up iCloud storage\n> Hi Dana,\n> Open Settings > [your name] > iCloud.');
    expect(note).toContain('- Upgrade to iCloud+ (resolved 7 of 10, about 68%)');
    expect(note).toContain('- Restart the device');
    expect(note.split('\n').at(-1)).toBe('Rule pack icloud-backup@2026.11.1 · model icloud-backup@2026.11.1/0 · triage-note:3f2a');
  });

  it('says so when no known cause fits', () => {
    expect(renderNote(makeResult({ cause: { id: 'other', confidence: 0.2 } }), { marker, format: 'text' })).toContain(
      'No known cause fits this ticket (confidence 20%).',
    );
  });
});

describe('renderNote: decision, band, language and model', () => {
  it('says an auto triage was decided with its band and the language of the customer', () => {
    const note = renderNote(makeResult(), { marker, format: 'text' });
    expect(note.split('\n').slice(0, 2)).toEqual([
      'Triage: Likely cause: icloud_storage_full (confidence 87%).',
      'Decision: auto · confidence band high · language en (90%)',
    ]);
  });

  it('says when the text was too short to tell the language', () => {
    const note = renderNote(makeResult({ language: { code: 'en', confidence: 0 } }), { marker, format: 'text' });
    expect(note).toContain('language en (too little text to tell)');
  });
});

describe('renderNote for a review', () => {
  const review = makeResult({
    decision: 'review',
    band: 'medium',
    cause: { id: 'icloud_storage_full', confidence: 0.55 },
    causes: [
      {
        id: 'wifi',
        score: 0.2,
        evidence: [
          { symptom: 'wifi_at_home_only', text: 'only at home', start: 0, end: 12, field: 'description', weight: 1.1, polarity: 'present' },
        ],
      },
      {
        id: 'icloud_storage_full',
        score: 0.55,
        evidence: [
          {
            symptom: 'not_enough_storage',
            text: 'not enough iCloud storage',
            start: 10,
            end: 35,
            field: 'description',
            weight: 2.5,
            polarity: 'present',
          },
        ],
        words: [
          { text: 'full', start: 40, end: 44, field: 'description', weight: 0.2 },
          { text: 'plan', start: 50, end: 54, field: 'description', weight: 0.6 },
        ],
      },
      { id: 'other', score: 0.15, evidence: [] },
      {
        id: 'power',
        score: 0.1,
        evidence: [
          { symptom: 'not_charging', text: 'not plugged in', start: 60, end: 74, field: 'description', weight: 0.4, polarity: 'present' },
        ],
      },
    ],
  });
  const note = renderNote(review, { marker, format: 'text' });

  it('asks for a review, names the best guess and the band', () => {
    expect(note).toContain('Triage: Needs review: no cause is certain enough to tag (best guess icloud_storage_full, confidence 55%).');
    expect(note).toContain('Decision: review · confidence band medium');
  });

  it('lists the top three causes, best first, each with its evidence and learned words', () => {
    expect(note).toContain(
      [
        'Top causes:',
        '- icloud_storage_full (55%)',
        '  - not_enough_storage +2.5: "not enough iCloud storage"',
        '  - words: "plan" +0.6, "full" +0.2',
        '- wifi (20%)',
        '  - wifi_at_home_only +1.1: "only at home"',
        '- other (15%)',
        '  - no evidence in the ticket (prior only)',
      ].join('\n'),
    );
    expect(note).not.toContain('power (');
    expect(note).not.toMatch(/^Evidence:/m);
  });

  it('still offers the macro of the most likely cause, marked as one to check first', () => {
    expect(note).toContain('Macro for the most likely cause (check the cause first): Free up iCloud storage');
  });

  it('renders the same in HTML, escaped', () => {
    const html = renderNote(review, { marker, format: 'html' });
    expect(html).toContain('<p><strong>Top causes</strong></p>');
    expect(html).toContain('<li>icloud_storage_full (55%)<ul><li>not_enough_storage +2.5: “not enough iCloud storage”</li>');
    expect(html).toContain('<li>words: &quot;plan&quot; +0.6, &quot;full&quot; +0.2</li>');
    expect(html).toContain('<p>Decision: review · confidence band medium · language en (90%)</p>');
  });

  it('for an unsure "other", says no known cause fits well', () => {
    const other = renderNote(makeResult({ decision: 'review', band: 'low', cause: { id: 'other', confidence: 0.3 } }), {
      marker,
      format: 'text',
    });
    expect(other).toContain('Needs review: no known cause fits this ticket well (confidence 30%).');
  });
});

describe('renderNote as HTML', () => {
  const hostile = makeResult({
    symptoms: [{ id: 'quoted_error', text: '<img src=x onerror=alert(1)> "Backup failed" & more', start: 0, end: 10, field: 'subject' }],
    macro: { id: 'm', title: 'Fix <b>it</b>', body: 'Hi <script>alert(1)</script>,\nline two' },
  });
  const html = renderNote(hostile, { marker, format: 'html' });

  it('escapes the customer’s words and the macro', () => {
    expect(html).not.toMatch(/<img|<script|<b>it/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;Backup failed&quot; &amp; more');
    expect(html).toContain('<blockquote>Hi &lt;script&gt;alert(1)&lt;/script&gt;,<br>line two</blockquote>');
  });

  it('carries the marker in an HTML comment and in a visible footer', () => {
    expect(html.startsWith('<!-- triage-note:3f2a -->')).toBe(true);
    expect(html).toContain('<p><small>Rule pack icloud-backup@2026.11.1 · model icloud-backup@2026.11.1/0 · triage-note:3f2a</small></p>');
  });

  it('keeps a marker with "--" from closing the comment early', () => {
    const odd = renderNote(makeResult(), { marker: 'a-->b', format: 'html' });
    expect(odd.split('\n')[0]).not.toContain('-->b');
  });

  it('shows the diagnosis with its percentage', () => {
    expect(renderNote(makeResult(), { marker, format: 'html' })).toContain(
      '<p><strong>Triage:</strong> Likely cause: icloud_storage_full (confidence 87%).</p>',
    );
  });
});

describe('triageTags', () => {
  it('auto: tags the cause, the high band and the symptoms the customer reports, not those ruled out or tried', () => {
    expect(triageTags(makeResult())).toEqual([
      'triage_cause_icloud_storage_full',
      'triage_confidence_high',
      'triage_symptom_not_enough_storage',
    ]);
  });

  it('uses the prefix given', () => {
    expect(triageTags(makeResult(), 'tt_')).toEqual([
      'tt_cause_icloud_storage_full',
      'tt_confidence_high',
      'tt_symptom_not_enough_storage',
    ]);
  });

  it.each(['medium', 'low'] as const)('review (%s): needs_review, the band and the symptoms, never a cause tag', (band) => {
    const tags = triageTags(makeResult({ decision: 'review', band, cause: { id: 'icloud_storage_full', confidence: 0.4 } }));
    expect(tags).toEqual(['triage_needs_review', `triage_confidence_${band}`, 'triage_symptom_not_enough_storage']);
    expect(tags.some((t) => t.startsWith('triage_cause_'))).toBe(false);
  });

  it('a result stored before decisions existed is tagged as it was then, as auto', () => {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { decision, band, ...legacy } = makeResult();
    expect(triageTags(legacy as TriageResult)).toEqual([
      'triage_cause_icloud_storage_full',
      'triage_confidence_high',
      'triage_symptom_not_enough_storage',
    ]);
  });

  it('sanitizes to lowercase [a-z0-9_] and drops duplicates', () => {
    const result = makeResult({
      cause: { id: 'Backup-Stuck.Estimating', confidence: 0.5 },
      symptoms: [
        { id: 'Wi-Fi only', text: 'x', start: 0, end: 1, field: 'description' },
        { id: 'wi_fi only', text: 'y', start: 2, end: 3, field: 'description' },
      ],
    });
    expect(triageTags(result, 'Triage:')).toEqual([
      'triage_cause_backup_stuck_estimating',
      'triage_confidence_high',
      'triage_symptom_wi_fi_only',
    ]);
  });

  it('isServiceTag holds for every tag the service writes, auto or review, under the prefix given', () => {
    const review = makeResult({ decision: 'review', band: 'low' });
    for (const prefix of ['triage_', 'tt_', '']) {
      for (const tag of [...triageTags(makeResult(), prefix), ...triageTags(review, prefix)]) {
        expect({ tag, service: isServiceTag(tag, prefix) }).toEqual({ tag, service: true });
      }
    }
  });

  it.each([
    ['triage_cause_is_wifi', "an agent's cause label"],
    ['triage_applied_restart_device', "an agent's applied macro"],
    ['triage_needs_review_later', 'another tag that only starts like needs_review'],
    ['triage_vip', 'another tag under the prefix'],
    ['vip', 'a tag without the prefix'],
    ['tt_cause_wifi', 'a cause tag under another prefix'],
  ])('isServiceTag is false for %s (%s)', (tag) => {
    expect(isServiceTag(tag, 'triage_')).toBe(false);
  });

  it('sanitizeTag trims edges and bounds the length', () => {
    expect(sanitizeTag('__Ça va?__')).toBe('a_va');
    expect(sanitizeTag('x'.repeat(200))).toHaveLength(80);
  });
});
