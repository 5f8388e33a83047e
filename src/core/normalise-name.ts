/**
 * Domain names inside record content, in PowerDNS 4.7's presentation form. PowerDNS decodes the
 * escapes of a name and writes it back its own way (measured against 4.7.3): bytes from `!` to `~`
 * as themselves except `.` and `\` (`\.`, `\\`), every other byte as `\DDD`. So `a\065b` comes back
 * `aAb` and an escaped space `a\ b` must be sent as `a\032b` (PowerDNS cannot even parse `\ `).
 * Case is kept.
 *
 * NS, MX and SRV targets must be host names as well: PowerDNS refuses anything else with
 * "non-hostname content" (an underscore, `*`, a label starting or ending with `-`, an escape).
 */
import { absoluteName } from './names.js';
import type { ZoneName } from './types.js';

const MAX_LABEL_BYTES = 63;
const MAX_NAME_BYTES = 255;
const HOSTNAME_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** The bytes of presentation text with `\DDD` and `\X` escapes decoded (raw text as UTF-8). */
export function unescapeBytes(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text.charAt(i) === '\\') {
      const decimal = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (decimal) {
        const byte = Number(decimal[0]);
        if (byte > 255) throw new Error(`escape \\${decimal[0]} is not a byte`);
        bytes.push(byte);
        i += 4;
        continue;
      }
      if (i + 1 >= text.length) throw new Error(`${JSON.stringify(text)} ends in a lone backslash`);
      i += 1;
    }
    const char = String.fromCodePoint(text.codePointAt(i) ?? 0);
    bytes.push(...Buffer.from(char, 'utf8'));
    i += char.length;
  }
  return bytes;
}

/** The labels of a name in presentation form, each as bytes (the root is no labels). */
function labelsOf(name: string): number[][] {
  if (name === '.') return [];
  const labels: number[][] = [];
  let current = '';
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charAt(i);
    if (c === '\\') {
      current += name.slice(i, i + 2);
      i += 1;
    } else if (c === '.') {
      labels.push(unescapeBytes(current));
      current = '';
    } else {
      current += c;
    }
  }
  if (current.length > 0) labels.push(unescapeBytes(current));
  return labels;
}

function escapeLabel(label: number[]): string {
  return label
    .map((b) => {
      if (b === 0x2e) return '\\.';
      if (b === 0x5c) return '\\\\';
      if (b > 0x20 && b < 0x7f) return String.fromCharCode(b);
      return `\\${String(b).padStart(3, '0')}`;
    })
    .join('');
}

/** Renders a name from its labels the PowerDNS way, checking the RFC 1035 length limits. */
export function renderLabels(labels: number[][]): string {
  if (labels.length === 0) return '.';
  let wire = 1;
  for (const label of labels) {
    if (label.length === 0) throw new Error('empty label');
    if (label.length > MAX_LABEL_BYTES) throw new Error(`a label is longer than ${MAX_LABEL_BYTES} bytes`);
    wire += label.length + 1;
  }
  if (wire > MAX_NAME_BYTES) throw new Error(`the name is longer than ${MAX_NAME_BYTES} bytes`);
  return `${labels.map(escapeLabel).join('.')}.`;
}

/** A name from record content (relative to `origin` unless it ends in a dot), as PowerDNS writes it. */
export function contentName(text: string, origin: ZoneName): string {
  if (text === '.') return '.';
  return renderLabels(labelsOf(absoluteName(text, origin)));
}

/** Like `contentName`, and refused unless it is a host name (NS, MX, SRV targets); `root` allows `.`. */
export function hostName(text: string, origin: ZoneName, opts: { root: boolean }): string {
  const name = contentName(text, origin);
  if (name === '.') {
    if (opts.root) return name;
    throw new Error('PowerDNS 4.7 does not accept the root "." as a target of this type');
  }
  const labels = name.slice(0, -1).split('.');
  const bad = labels.find((label) => !HOSTNAME_LABEL.test(label));
  if (bad !== undefined) {
    throw new Error(`${name} is not a host name (label ${JSON.stringify(bad)}); PowerDNS 4.7 accepts only letters, digits and inner hyphens here`);
  }
  return name;
}
