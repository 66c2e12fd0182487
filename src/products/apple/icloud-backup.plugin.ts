/**
 * `icloud-backup`: iCloud storage figures, durations and quoted on-screen messages. Finds tight or ample
 * storage and long-running backups, and tells the scope step when a negation is about the backup itself.
 */
import {
  extractDurations,
  extractQuotedMessages,
  type DurationEntity,
  type FieldText,
  type ProductPlugin,
  type QuotedMessage,
  type Span,
  type SymptomHit,
} from '../../engine';
import { extractStorage, storageSummary, type StorageEntity } from './icloud-storage';

export interface ICloudBackupEntities {
  readonly storage: StorageEntity[];
  readonly durations: DurationEntity[];
  readonly messages: QuotedMessage[];
}

type SpanJson = Pick<Span, 'field' | 'text' | 'start' | 'end'>;
type Gb = { readonly usedGb?: number; readonly totalGb?: number; readonly neededGb?: number; readonly availableGb?: number };

export interface ICloudBackupView {
  /** The combined picture (rounded to 0.01 GB) and each figure as written. */
  readonly storage?: Gb & { readonly mentions: readonly (SpanJson & Gb)[] };
  readonly durations?: readonly ({ readonly amount: number; readonly unit: DurationEntity['unit']; readonly hours?: number } & SpanJson)[];
  /** A quoted message lists the symptoms found in it, so a misquoted alert is still recognized. */
  readonly messages?: readonly (SpanJson & { readonly symptoms: readonly string[] })[];
}

const spanJson = (s: Span): SpanJson => ({ field: s.field, text: s.text, start: s.start, end: s.end });
const gb = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 100) / 100);

function messagesView(messages: readonly QuotedMessage[], symptoms: readonly SymptomHit[]): ICloudBackupView['messages'] {
  return messages.map((m) => ({
    ...spanJson(m.span),
    symptoms: symptoms
      .filter((h) => h.field === m.span.field && h.start >= m.span.start && h.end <= m.span.end && h.polarity !== 'negated')
      .map((h) => h.id),
  }));
}

export const icloudBackupPlugin: ProductPlugin<Record<string, never>, ICloudBackupEntities, ICloudBackupView> = {
  name: 'icloud-backup',

  extract(fields: readonly FieldText[]): ICloudBackupEntities {
    const storage: StorageEntity[] = [];
    const durations: DurationEntity[] = [];
    const messages: QuotedMessage[] = [];
    for (const field of fields) {
      extractStorage(field, storage);
      extractDurations(field, durations);
      extractQuotedMessages(field, messages);
    }
    return { storage, durations, messages };
  },

  derivedRules: {
    storage_nearly_full: {
      description: 'a backup needs more than is free (or than the plan holds), or 95% of the plan is used',
      evaluate(e) {
        const s = storageSummary(e.storage);
        const tight =
          (s.neededGb !== undefined && s.availableGb !== undefined && s.neededGb > s.availableGb) ||
          (s.usedGb !== undefined && s.totalGb !== undefined && s.totalGb > 0 && s.usedGb / s.totalGb >= 0.95) ||
          (s.neededGb !== undefined && s.totalGb !== undefined && s.neededGb > s.totalGb);
        return tight ? e.storage[0]?.span : undefined;
      },
    },
    storage_plenty: {
      description: '5 GB or more free, and the backup fits',
      evaluate(e) {
        const s = storageSummary(e.storage);
        const tight = s.neededGb !== undefined && s.availableGb !== undefined && s.neededGb > s.availableGb;
        const plenty = s.availableGb !== undefined && s.availableGb >= 5;
        return plenty && !tight ? e.storage.find((x) => x.availableGb !== undefined || x.totalGb !== undefined)?.span : undefined;
      },
    },
    long_running: {
      description: 'a duration of two hours or more',
      evaluate: (e) => e.durations.find((d) => d.unit === 'hour' && (d.hours ?? 0) >= 2)?.span,
    },
  },

  scope: {
    /** "no backup on the boat", "not backing up since the router died": the negation is about the backup. */
    negatesSomethingElse(text: string, from: number, to: number): boolean {
      const gap = text.slice(from, to);
      return gap.includes('backup') || gap.includes('back up') || gap.includes('backing up') || gap.includes('backed up');
    },
  },

  view: {
    keys: ['storage', 'durations', 'messages'],
    render(e, symptoms) {
      const view: { -readonly [K in keyof ICloudBackupView]: ICloudBackupView[K] } = {};
      if (e.storage.length) {
        const summary = storageSummary(e.storage);
        view.storage = {
          usedGb: gb(summary.usedGb),
          totalGb: gb(summary.totalGb),
          neededGb: gb(summary.neededGb),
          availableGb: gb(summary.availableGb),
          // Spelled out rather than spread: a ticket may hold twenty figures, and this runs for every one.
          mentions: e.storage.map((s) => ({
            field: s.span.field,
            text: s.span.text,
            start: s.span.start,
            end: s.span.end,
            usedGb: s.usedGb,
            totalGb: s.totalGb,
            neededGb: s.neededGb,
            availableGb: s.availableGb,
          })),
        };
      }
      if (e.durations.length) {
        view.durations = e.durations.map((d) => ({
          amount: d.amount,
          unit: d.unit,
          hours: d.hours,
          field: d.span.field,
          text: d.span.text,
          start: d.span.start,
          end: d.span.end,
        }));
      }
      if (e.messages.length) view.messages = messagesView(e.messages, symptoms);
      return view;
    },
  },
};
