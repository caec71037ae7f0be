// A generated section of a document, kept between two marker comments (`<!-- x:start -->` … `<!-- x:end -->`):
// the policy table in docs/policies.md, the config tables in docs/configuration.md and README.md, and the
// capacity summary in README.md. One reading and one writing of the markers for every generator.

/** The text between the markers, trimmed, or `undefined` when one is missing or they are out of order. */
export function textBetween(text: string, start: string, end: string): string | undefined {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0 || to < from) return undefined;
  return text.slice(from + start.length, to).trim();
}

/** `text` with what lies between the markers replaced by `inner` on its own lines; throws without the markers. */
export function replaceBetween(text: string, start: string, end: string, inner: string): string {
  if (textBetween(text, start, end) === undefined) throw new Error(`missing ${start} … ${end}`);
  return `${text.slice(0, text.indexOf(start) + start.length)}\n${inner}\n${text.slice(text.indexOf(end))}`;
}
