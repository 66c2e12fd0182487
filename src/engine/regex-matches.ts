/**
 * Iterates the matches of a global regex with exec(). String.prototype.matchAll clones the regex on
 * every call, which costs more than the search itself on short texts.
 */
export function* matchesOf(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    yield m;
  }
}
