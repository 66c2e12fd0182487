/** Fills a macro's placeholders and picks the device variant of its steps. */
import type { MacroSubject } from './entities';
import type { MacroDef } from './pack';
import type { RenderedMacro, TriageInput } from './types';

export const NEUTRAL_NAME = 'there';
export const NEUTRAL_DEVICE = 'iPhone or iPad';

/** The longest name a greeting carries. */
export const MAX_GREETING_NAME_CHARS = 60;

/**
 * requester.firstName, else the first word of requester.name, else a neutral word for "Hi ...". Both come
 * from whoever opened the ticket and go into a reply an agent may send unread: see greetingName.
 */
export function customerFirstName(input: TriageInput): string {
  const first = greetingName(input.requester?.firstName ?? '');
  if (first) return first;
  const word = greetingName(input.requester?.name ?? '').split(' ')[0];
  return word ? word : NEUTRAL_NAME;
}

/** What of a name is read at all (a webhook's requester name has no length limit). */
const MAX_NAME_INPUT_CHARS = 1_000;
const TAGS = /<[^<>]*>/g;
/** Control, format (bidi overrides, zero-width) and unassigned or private-use characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/gu;
/** URLs and email addresses. */
const LINKS = /\S*(?:[a-z][a-z0-9+.-]*:\/\/|www\.|@)\S*/giu;
/** Bare domains ("evil.com/x"), which mail clients turn into links; a capitalised "Dr.Smith" is a name. */
const DOMAINS = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[a-z]{2,24}(?![\p{L}\p{N}])(?:\/\S*)?/gu;
/** Characters that make markup or template syntax in a helpdesk's editor. */
const MARKUP = /[<>{}[\]`|\\]/g;

/**
 * A name fit for "Hi <name>,": no tags, invisible or markup characters, links or email addresses, whitespace
 * collapsed, at most MAX_GREETING_NAME_CHARS (never half a surrogate pair); empty when no letter is left.
 */
export function greetingName(raw: string): string {
  // Bounded first: the patterns below rescan a long run without spaces from each of its positions.
  const text = raw
    .slice(0, MAX_NAME_INPUT_CHARS)
    .replace(TAGS, ' ')
    .replace(INVISIBLE, '')
    .replace(LINKS, ' ')
    .replace(DOMAINS, ' ')
    .replace(MARKUP, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  const capped = Array.from(text).slice(0, MAX_GREETING_NAME_CHARS).join('').trim();
  return /\p{L}/u.test(capped) ? capped : '';
}

export function pickBody(macro: MacroDef, device: MacroSubject | undefined): string {
  const variantKey = device?.variantKey;
  if (variantKey) {
    const variant = macro.variants.find((v) => v.when === variantKey);
    if (variant) return variant.body;
  }
  return macro.body;
}

const PLACEHOLDER_RE = /\{\{\s*([a-z_.]+)\s*\}\}/g;

/** A template split once into literal text (even slots) and placeholder keys (odd slots). */
const parsedTemplates = new Map<string, string[]>();

function parseTemplate(template: string): string[] {
  let parts = parsedTemplates.get(template);
  if (!parts) {
    parts = template.split(PLACEHOLDER_RE);
    if (parsedTemplates.size < 1000) parsedTemplates.set(template, parts);
  }
  return parts;
}

export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const parts = parseTemplate(template);
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = values[parts[i]];
    out += (value ?? `{{${parts[i]}}}`) + parts[i + 1];
  }
  return out;
}

export function renderMacro(macro: MacroDef, input: TriageInput, device: MacroSubject | undefined): RenderedMacro {
  const values = {
    'customer.first_name': customerFirstName(input),
    'device.model': device?.model ?? NEUTRAL_DEVICE,
  };
  return { id: macro.id, title: macro.title, body: renderTemplate(pickBody(macro, device), values).trim() };
}

/** Placeholders a macro template may use. */
export const KNOWN_PLACEHOLDERS: readonly string[] = ['customer.first_name', 'device.model'];
