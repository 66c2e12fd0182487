/** Rule candidates from `other` tickets: the counting happens in SQL, this keeps the list readable. */

/** Words that make no rule on their own (English function words and filler of support mail). */
export const PHRASE_STOP_WORDS: readonly string[] = [
  'a', 'about', 'after', 'again', 'all', 'am', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'because', 'been',
  'before', 'being', 'but', 'by', 'can', 'cannot', 'could', 'did', 'do', 'does', 'doing', 'don', 'done', 'for',
  'from', 'get', 'got', 'had', 'has', 'have', 'having', 'he', 'hello', 'help', 'her', 'here', 'hi', 'him', 'his',
  'how', 'i', 'if', 'im', 'in', 'into', 'is', 'it', 'its', 'just', 'know', 'let', 'like', 'me', 'my', 'myself',
  'need', 'no', 'nor', 'not', 'now', 'of', 'off', 'on', 'once', 'only', 'or', 'our', 'out', 'over', 'please',
  'regards', 'same', 'she', 'should', 'so', 'some', 'still', 'such', 'than', 'thank', 'thanks', 'that', 'the',
  'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'through', 'to', 'too', 'under', 'until',
  'up', 'us', 'very', 'was', 'we', 'were', 'what', 'when', 'where', 'which', 'while', 'who', 'why', 'will',
  'with', 'would', 'you', 'your',
];

export interface PhraseCount {
  readonly phrase: string;
  readonly tickets: number;
}

/**
 * Drops a 2-word phrase that only ever occurs inside a listed 3-word one (same ticket count: it adds
 * nothing), and keeps the `limit` most frequent. Input is ordered by count, longer phrases first.
 */
export function candidatePhrases(counts: readonly PhraseCount[], limit: number): PhraseCount[] {
  const trigrams = counts.filter((c) => c.phrase.split(' ').length === 3);
  const subsumed = (c: PhraseCount) =>
    c.phrase.split(' ').length === 2 &&
    trigrams.some((t) => t.tickets === c.tickets && (t.phrase.startsWith(`${c.phrase} `) || t.phrase.endsWith(` ${c.phrase}`)));
  return counts.filter((c) => !subsumed(c)).slice(0, limit);
}
