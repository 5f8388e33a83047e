/**
 * Character-string handling for record content: a quote-aware tokeniser and the TXT/SPF rules.
 *
 * PowerDNS 4.7 keeps the inside of a quoted string byte for byte (escapes such as `\"`, `\\`, `\065`
 * and raw UTF-8 are returned as sent) but insists on exactly one space between strings and no
 * leading or trailing space (powerdns-api.md §3 "Round-trip", checked against 4.7.3).
 */

/** One token of record content. For a quoted token `text` is the raw inside, escapes kept. */
export interface Token {
  text: string;
  quoted: boolean;
}

/** Longest character-string on the wire (RFC 1035 §3.3). */
const MAX_STRING_BYTES = 255;

/**
 * Splits content into whitespace-separated tokens, treating `"..."` (with backslash escapes) as one
 * token. Adjacent quoted strings (`"a""b"`) are separate tokens. Throws on an unterminated string.
 * With `groups`, unquoted `(` and `)` separate tokens and are dropped, as in a zone file: dnspython
 * accepts `257 3 8 ( AwEAA... )`, so NetBox may hold it.
 */
export function tokenise(value: string, opts: { groups?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  const separator = opts.groups ? /[\s()]/ : /\s/;
  const tokenEnd = opts.groups ? /[\s"()]/ : /[\s"]/;
  let i = 0;
  while (i < value.length) {
    const c = value.charAt(i);
    if (separator.test(c)) {
      i += 1;
    } else if (c === '"') {
      const end = closingQuote(value, i + 1);
      if (end < 0) throw new Error(`unterminated quoted string in ${JSON.stringify(value)}`);
      tokens.push({ text: value.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else {
      let j = i;
      while (j < value.length && !tokenEnd.test(value.charAt(j))) j += value.charAt(j) === '\\' ? 2 : 1;
      tokens.push({ text: value.slice(i, Math.min(j, value.length)), quoted: false });
      i = j;
    }
  }
  return tokens;
}

function closingQuote(value: string, from: number): number {
  for (let i = from; i < value.length; i += 1) {
    const c = value.charAt(i);
    if (c === '\\') i += 1;
    else if (c === '"') return i;
  }
  return -1;
}

/** Renders a token as a quoted character-string; a bare token keeps its escapes and gains quotes. */
export function quoteToken(token: Token): string {
  return `"${token.quoted ? token.text : token.text.replace(/"/g, '\\"')}"`;
}

/** Renders tokens the way PowerDNS joins them: one space, quoted tokens re-quoted. */
export function joinTokens(tokens: Token[]): string {
  return tokens.map((t) => (t.quoted ? `"${t.text}"` : t.text)).join(' ');
}

/**
 * TXT/SPF content in PowerDNS presentation form. A value that is already a list of quoted strings
 * is re-rendered with single spaces; anything else is taken as one literal text, with `"` and `\`
 * escaped. Strings longer than 255 bytes are split into several (the wire form PowerDNS would serve
 * anyway), never inside an escape or a multi-byte character.
 */
export function normaliseTxt(value: string): string {
  const trimmed = value.trim();
  const strings = quotedList(trimmed) ?? [trimmed.replace(/[\\"]/g, (c) => `\\${c}`)];
  return strings
    .flatMap(splitString)
    .map((s) => `"${s}"`)
    .join(' ');
}

/** The raw insides of `value` when it is only quoted strings (at least one), else null. */
function quotedList(value: string): string[] | null {
  if (!value.startsWith('"')) return null;
  let tokens: Token[];
  try {
    tokens = tokenise(value);
  } catch {
    return null;
  }
  if (tokens.length === 0 || tokens.some((t) => !t.quoted)) return null;
  return tokens.map((t) => t.text);
}

/** Splits the raw inside of one string into pieces of at most 255 wire bytes. */
function splitString(raw: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let bytes = 0;
  for (const unit of wireUnits(raw)) {
    if (bytes + unit.bytes > MAX_STRING_BYTES) {
      pieces.push(current);
      current = '';
      bytes = 0;
    }
    current += unit.text;
    bytes += unit.bytes;
  }
  pieces.push(current);
  return pieces;
}

/** Walks a raw string as units that are never split: `\DDD`, `\X`, or one Unicode character. */
function* wireUnits(raw: string): Generator<{ text: string; bytes: number }> {
  let i = 0;
  while (i < raw.length) {
    if (raw.charAt(i) === '\\') {
      const decimal = /^\\\d{3}/.exec(raw.slice(i, i + 4));
      if (decimal) {
        yield { text: decimal[0], bytes: 1 };
        i += 4;
        continue;
      }
      const escaped = String.fromCodePoint(raw.codePointAt(i + 1) ?? 0x5c);
      yield { text: `\\${escaped}`, bytes: Buffer.byteLength(escaped) };
      i += 1 + escaped.length;
      continue;
    }
    const char = String.fromCodePoint(raw.codePointAt(i) ?? 0);
    yield { text: char, bytes: Buffer.byteLength(char) };
    i += char.length;
  }
}
