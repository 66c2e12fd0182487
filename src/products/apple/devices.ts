/** Apple device models in ticket text: iPhone and iPad lines, generations and whether they have a Home button. */
import { matchesOf, MAX_ENTITIES_PER_KIND, spanOf, type FieldText, type Span } from '../../engine';

/** Which restart steps a device takes: iPhone X and later vs iPhone 8 and earlier and SE; iPad by line and generation. */
export type DeviceClass = 'iphone_no_home' | 'iphone_home' | 'ipad_no_home' | 'ipad_home';
export const DEVICE_CLASSES: readonly DeviceClass[] = ['iphone_no_home', 'iphone_home', 'ipad_no_home', 'ipad_home'];

export function deviceClassOf(family: 'iphone' | 'ipad', homeButton: boolean): DeviceClass {
  return `${family}_${homeButton ? 'home' : 'no_home'}`;
}

export interface DeviceEntity {
  readonly span: Span;
  /** Display name, e.g. "iPhone 14 Pro". */
  readonly model: string;
  readonly family: 'iphone' | 'ipad';
  /** null when the text does not say which generation it is. */
  readonly homeButton: boolean | null;
  readonly deviceClass: DeviceClass | null;
}

const IPHONE_RE =
  /\biphone ?(\d{1,2}e?|xs max|xs|xr|x|se)(?: ?(pro max|pro|plus|max|mini))?(?: ?\(?(1st|2nd|3rd|first|second|third) ?gen(?:eration)?\)?)?(?![a-z0-9])/g;
const IPAD_RE =
  /\bipad(?: ?(pro|air|mini))?(?: ?(\d{1,2}(?:[.,]\d)?)(?![a-z0-9.]))?(?: ?\(?(\d{1,2})(?:st|nd|rd|th)? ?gen(?:eration)?\)?)?/g;

function iphoneHasHomeButton(model: string): boolean | null {
  if (model === 'se') return true;
  if (model === 'x' || model === 'xs' || model === 'xr' || model === 'xs max') return false;
  const n = parseInt(model, 10);
  if (!Number.isFinite(n)) return null;
  return n <= 8;
}

function ipadHasHomeButton(line: string | undefined, num: string | undefined, gen: string | undefined): boolean | null {
  const size = num ? parseFloat(num.replace(',', '.')) : undefined;
  const generation = gen ? parseInt(gen, 10) : undefined;
  switch (line) {
    case 'pro':
      if (size === 9.7 || size === 10.5) return true;
      if (size === 12.9 && generation !== undefined) return generation <= 2;
      return false;
    case 'air': {
      const g = generation ?? (size !== undefined && size < 10 ? size : undefined);
      return g === undefined ? null : g <= 3;
    }
    case 'mini': {
      const g = generation ?? (size !== undefined && size < 10 ? size : undefined);
      return g === undefined ? null : g <= 5;
    }
    default:
      return generation === undefined ? null : generation <= 9;
  }
}

const titleWord = (w: string) => (/^(x|xs|xr|se)$/.test(w) ? w.toUpperCase() : /^\d/.test(w) ? w : w.charAt(0).toUpperCase() + w.slice(1));

const ORDINALS: Record<string, string> = { '1': '1st', '2': '2nd', '3': '3rd', first: '1st', second: '2nd', third: '3rd' };
const ordinal = (n: string) => ORDINALS[n] ?? (/^\d+$/.test(n) ? `${n}th` : n);

function deviceEntity(
  field: FieldText,
  m: RegExpMatchArray,
  family: 'iphone' | 'ipad',
  name: string[],
  homeButton: boolean | null,
): DeviceEntity {
  const start = m.index as number;
  return {
    span: spanOf(field, start, start + m[0].trimEnd().length),
    model: name.join(' '),
    family,
    homeButton,
    deviceClass: homeButton === null ? null : deviceClassOf(family, homeButton),
  };
}

export function extractDevices(field: FieldText, out: DeviceEntity[]): void {
  const text = field.norm.text;
  if (!text.includes('iphone') && !text.includes('ipad')) return;
  for (const m of matchesOf(IPHONE_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    const [, model, suffix, generation] = m;
    const name = ['iPhone', ...model.split(' ').map(titleWord), ...(suffix ? suffix.split(' ').map(titleWord) : [])];
    if (model === 'se' && generation) name.push(`(${ordinal(generation.replace(/(st|nd|rd)$/, ''))} generation)`);
    out.push(deviceEntity(field, m, 'iphone', name, iphoneHasHomeButton(model)));
  }
  for (const m of matchesOf(IPAD_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    const [, line, num, generation] = m;
    const name = ['iPad', ...(line ? [titleWord(line)] : []), ...(num ? [num] : [])];
    if (generation) name.push(`(${ordinal(generation)} generation)`);
    out.push(deviceEntity(field, m, 'ipad', name, ipadHasHomeButton(line, num, generation)));
  }
}
