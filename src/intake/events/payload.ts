/**
 * Turning raw message bytes into a JSON value without letting a hostile or broken publisher cost
 * more than a bounded amount of work: the size is checked before decoding, the nesting depth is
 * measured by a linear scan before `JSON.parse` (deep nesting is what makes parsers and schema
 * validators recurse), and bytes that are not UTF-8 are refused rather than replaced.
 */
import { reject, type RejectedInterpretation } from './types.js';

/** Deepest object/array nesting accepted. Real NetBox bodies stay under 8. */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type Parsed = { ok: true; value: unknown } | { ok: false; rejection: RejectedInterpretation };

/** Size-check, decode and parse one payload. Never throws. */
export function parsePayload(payload: Buffer | string, maxBytes: number): Parsed {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
  if (size > maxBytes) {
    return { ok: false, rejection: reject('too_large', `payload is ${size} bytes, the limit is ${maxBytes}`) };
  }
  let text: string;
  if (typeof payload === 'string') {
    text = payload.startsWith('\uFEFF') ? payload.slice(1) : payload;
  } else {
    try {
      text = utf8.decode(payload); // strips a BOM
    } catch {
      return { ok: false, rejection: reject('invalid_json', 'payload is not valid UTF-8') };
    }
  }
  const depth = textDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    return { ok: false, rejection: reject('invalid_shape', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, rejection: reject('invalid_json', `payload is not JSON: ${truncate(message, 120)}`) };
  }
}

/**
 * Maximum bracket depth of JSON text, counting only brackets outside strings; stops counting once
 * `limit` is exceeded. Malformed text gives some number and is then refused by JSON.parse.
 */
export function textDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return max;
}

/**
 * Whether an already-parsed value nests objects/arrays deeper than `limit` (for the HTTP webhook
 * body, which arrives parsed). Iterative, and it never descends below `limit + 1` and visits each
 * object once, so cyclic or huge values cannot make it recurse or loop forever.
 */
export function valueDeeperThan(value: unknown, limit: number): boolean {
  const seen = new WeakSet<object>();
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined || top.value === null || typeof top.value !== 'object') continue;
    if (seen.has(top.value)) continue; // parsed JSON is a tree; this only guards hand-built values
    seen.add(top.value);
    const depth = top.depth + 1;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(top.value) ? top.value : Object.values(top.value);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth });
    }
  }
  return false;
}

/** Cut a string for a log detail. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
