/** iOS and iPadOS versions in ticket text ("iOS 17.5.1", "running 16.2"). */
import { spanOf, type FieldText, type Span } from '../../engine';

export interface OsVersionEntity {
  readonly span: Span;
  readonly version: string;
  readonly major: number;
  readonly minor: number;
}

const IOS_RE = /\b(?:ios|ipados)\s?(\d{1,2})(?:\.(\d{1,2}))?(?:\.(\d{1,2}))?(?![0-9])/g;
const BARE_VERSION_RE =
  /\b(?:on|to|version|installed|running|break on|broke on|with) (1[0-9]|2[0-9])\.(\d{1,2})(?:\.(\d{1,2}))?(?![0-9]| ?(?:gb|tb|mb|go|%|gigs?))/g;

/** The first iOS version one field names. */
export function extractIos(field: FieldText): OsVersionEntity | undefined {
  const text = field.norm.text;
  for (const re of [IOS_RE, BARE_VERSION_RE]) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (!m) continue;
    const major = parseInt(m[1], 10);
    if (major < 4 || major > 30) continue;
    const minor = m[2] ? parseInt(m[2], 10) : 0;
    const version = [m[1], m[2], m[3]].filter((p) => p !== undefined).join('.');
    const start = m.index + m[0].indexOf(m[1]);
    return { span: spanOf(field, re === IOS_RE ? m.index : start, m.index + m[0].length), version, major, minor };
  }
  return undefined;
}
