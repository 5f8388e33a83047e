/**
 * Protected-rrset rules: rrsets written beside NetBox (an ACME client's `_acme-challenge` TXT during
 * a DNS-01 challenge) that the reconcile must neither delete nor change unless NetBox itself holds
 * that rrset. A rule is an owner-name glob and optional types: `_acme-challenge.*:TXT`,
 * `*.dyn.example.com:A+AAAA`, `_dmarc.*` (any type). `*` matches any characters, dots included;
 * `?` one character; names compare case-insensitively and with or without the trailing dot.
 */

export interface ProtectRule {
  /** The rule as written, for logs and plans. */
  text: string;
  pattern: RegExp;
  /** Upper-case types, or null for every type. */
  types: ReadonlySet<string> | null;
}

/** The value that disables protection entirely (an empty value would mean "the default"). */
export const NO_PROTECTION = 'none';

const RULE = /^([A-Za-z0-9_*?.-]+)(?::([A-Za-z0-9]+(?:\+[A-Za-z0-9]+)*))?$/;

/** Why `text` is not a list of rules, or null (config validation). */
export function protectRulesProblem(text: string): string | null {
  if (text.trim().toLowerCase() === NO_PROTECTION) return null;
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (!RULE.test(entry)) return `${JSON.stringify(entry)} is not NAME-GLOB or NAME-GLOB:TYPE[+TYPE...]`;
  }
  return null;
}

/** Parses a comma-separated rule list (validated beforehand); `none` gives no rules. */
export function parseProtectRules(text: string): ProtectRule[] {
  if (text.trim().toLowerCase() === NO_PROTECTION) return [];
  return text.split(',').map((e) => e.trim()).filter((e) => e !== '').map((entry) => {
    const [, glob = '', types] = RULE.exec(entry) ?? [];
    const bare = glob.toLowerCase().replace(/\.$/, '');
    const source = [...bare].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.\\^$+{}()|[\]-]/g, '\\$&'))).join('');
    return {
      text: entry,
      pattern: new RegExp(`^${source}\\.?$`),
      types: types === undefined ? null : new Set(types.split('+').map((t) => t.toUpperCase())),
    };
  });
}

/** The first rule protecting the rrset `name`/`type`, or null. */
export function protectingRule(rules: readonly ProtectRule[], name: string, type: string): ProtectRule | null {
  const owner = name.toLowerCase();
  for (const rule of rules) {
    if ((rule.types === null || rule.types.has(type.toUpperCase())) && rule.pattern.test(owner)) return rule;
  }
  return null;
}
