import type { TriageResult } from '../engine/types';
import { renderNote, sanitizeTag, triageTags } from './note-renderer';

/** A triage result; override what the test is about. */
function makeResult(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    cause: { id: 'icloud_storage_full', confidence: 0.874 },
    causes: [
      {
        id: 'icloud_storage_full',
        score: 3.2,
        evidence: [
          { symptom: 'not_enough_storage', text: 'not enough iCloud storage', start: 10, end: 35, field: 'description', weight: 2.5, polarity: 'present' },
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
    expect(note.split('\n').at(-1)).toBe('Rule pack icloud-backup@2026.11.1 · triage-note:3f2a');
  });

  it('says so when no known cause fits', () => {
    expect(renderNote(makeResult({ cause: { id: 'other', confidence: 0.2 } }), { marker, format: 'text' })).toContain(
      'No known cause fits this ticket (confidence 20%).',
    );
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
    expect(html).toContain('<p><small>Rule pack icloud-backup@2026.11.1 · triage-note:3f2a</small></p>');
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
  it('tags the cause and the symptoms the customer reports, not those ruled out or tried', () => {
    expect(triageTags(makeResult())).toEqual(['triage_cause_icloud_storage_full', 'triage_symptom_not_enough_storage']);
  });

  it('uses the prefix given', () => {
    expect(triageTags(makeResult(), 'tt_')).toEqual(['tt_cause_icloud_storage_full', 'tt_symptom_not_enough_storage']);
  });

  it('sanitizes to lowercase [a-z0-9_] and drops duplicates', () => {
    const result = makeResult({
      cause: { id: 'Backup-Stuck.Estimating', confidence: 0.5 },
      symptoms: [
        { id: 'Wi-Fi only', text: 'x', start: 0, end: 1, field: 'description' },
        { id: 'wi_fi only', text: 'y', start: 2, end: 3, field: 'description' },
      ],
    });
    expect(triageTags(result, 'Triage:')).toEqual(['triage_cause_backup_stuck_estimating', 'triage_symptom_wi_fi_only']);
  });

  it('sanitizeTag trims edges and bounds the length', () => {
    expect(sanitizeTag('__Ça va?__')).toBe('a_va');
    expect(sanitizeTag('x'.repeat(200))).toHaveLength(80);
  });
});
