// Issue 9 item 1: finds each place an organisation's ONS or ODS code stands in a text without its
// name just before it ("Northbridge Borough Council E09000099" or "… (E09000099)" pass).

/** Each place a code stands in the text without its organisation's name just before it. */
export function codesWithoutNames(text: string, organisations: readonly { code: string; name: string }[]): string[] {
  const found: string[] = [];
  for (const { code, name } of organisations) {
    for (const match of text.matchAll(new RegExp(`\\b${code}\\b`, 'g'))) {
      const before = text.slice(Math.max(0, match.index - name.length - 3), match.index);
      if (!before.replace(/[\s(]+$/, '').endsWith(name)) found.push(`${code} in “…${text.slice(Math.max(0, match.index - 60), match.index + code.length + 20)}…”`);
    }
  }
  return found;
}

/** The text a person reads on a page: no tags, no attribute values, entities of the names decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&').replace(/&#39;|&rsquo;/g, '’').replace(/\s+/g, ' ');
}
