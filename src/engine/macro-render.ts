/** Fills a macro's placeholders and picks the device variant of its steps. */
import type { DeviceEntity } from './entities';
import type { MacroDef } from './pack';
import type { RenderedMacro, TriageInput } from './types';

export const NEUTRAL_NAME = 'there';
export const NEUTRAL_DEVICE = 'iPhone or iPad';

/** requester.firstName, else the first word of requester.name, else a neutral word for "Hi ...". */
export function customerFirstName(input: TriageInput): string {
  const first = input.requester?.firstName?.trim();
  if (first) return first;
  const word = input.requester?.name?.trim().split(/\s+/)[0];
  return word ? word : NEUTRAL_NAME;
}

export function pickBody(macro: MacroDef, device: DeviceEntity | undefined): string {
  const deviceClass = device?.deviceClass;
  if (deviceClass) {
    const variant = macro.variants.find((v) => v.when === deviceClass);
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

export function renderMacro(macro: MacroDef, input: TriageInput, device: DeviceEntity | undefined): RenderedMacro {
  const values = {
    'customer.first_name': customerFirstName(input),
    'device.model': device?.model ?? NEUTRAL_DEVICE,
  };
  return { id: macro.id, title: macro.title, body: renderTemplate(pickBody(macro, device), values).trim() };
}

/** Placeholders a macro template may use. */
export const KNOWN_PLACEHOLDERS: readonly string[] = ['customer.first_name', 'device.model'];
