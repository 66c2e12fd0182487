/**
 * What every entity extractor works on, whatever the product: the ticket's fields with their normalized
 * text, spans back into the customer's words, and what macro rendering reads of a ticket. The extractors
 * themselves are product plugins (`plugin.ts`); `text-entities.ts` holds generic ones plugins may use.
 */
import { toOriginalRange, type NormalizedText } from './normalize';
import type { Span } from './types';

export interface FieldText {
  readonly field: 'subject' | 'description';
  readonly original: string;
  readonly norm: NormalizedText;
}

export function spanOf(field: FieldText, start: number, end: number): Span {
  const range = toOriginalRange(field.norm, start, end);
  return { field: field.field, start: range.start, end: range.end, text: field.original.slice(range.start, range.end) };
}

/** A ticket states a handful of figures; beyond this many per kind the rest repeat them. */
export const MAX_ENTITIES_PER_KIND = 20;

/**
 * What macro rendering reads of a ticket, from the pack's plugin with macro variants: the name that fills
 * `{{device.model}}` and the key of the variant to send (one of the plugin's `macroVariants.keys`).
 */
export interface MacroSubject {
  readonly model: string;
  readonly variantKey: string | null;
}
