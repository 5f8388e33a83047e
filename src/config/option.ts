/**
 * The shape of one option in the configuration schema, and the human wording of what it allows.
 * Kept apart from the option lists so both lists and the loader share one definition.
 */

/** The component an option belongs to (`x-group`): drives the README sections and the env example. */
export type OptionGroup =
  | 'netbox' | 'powerdns' | 'replication' | 'sync' | 'safety' | 'retry' | 'http' | 'mqtt' | 'queue' | 'logging';

/** Display order of the groups in generated documentation. */
export const GROUP_ORDER: readonly OptionGroup[] = [
  'netbox', 'powerdns', 'replication', 'sync', 'safety', 'retry', 'http', 'mqtt', 'queue', 'logging',
];

/**
 * One property of the config JSON Schema. Only the keywords we use are allowed, so a typo in an
 * option definition is a compile error rather than a silently ignored keyword.
 */
export interface OptionSchema {
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
  readonly description: string;
  /** Which component reads it. */
  readonly 'x-group': OptionGroup;
  /** Masked as `****` in problems, logs and `check-config`; may also come from `_FILE` or systemd credentials. */
  readonly 'x-secret'?: boolean;
  /** Replaces the generated "must be ..." wording when the rule is better said in words (URLs, patterns). */
  readonly 'x-allowed'?: string;
  readonly default?: string | number | boolean;
  readonly enum?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
}

/** The custom keywords, registered with ajv (strict mode rejects unknown keywords). */
export const CUSTOM_KEYWORDS = ['x-secret', 'x-group', 'x-allowed'] as const;

function range(noun: string, o: OptionSchema): string {
  const lo = o.minimum;
  const hi = o.maximum;
  if (o.exclusiveMinimum !== undefined) {
    return hi === undefined ? `${noun} > ${o.exclusiveMinimum}` : `${noun} > ${o.exclusiveMinimum} and <= ${hi}`;
  }
  if (lo !== undefined && hi !== undefined) return `${noun} between ${lo} and ${hi}`;
  if (lo !== undefined) return `${noun} >= ${lo}`;
  if (hi !== undefined) return `${noun} <= ${hi}`;
  return noun;
}

/**
 * What an option accepts, worded for a person: `must be an integer >= 1`. Used for every stage-1
 * problem line (one line per option however many ajv errors it produced) and for the docs table.
 */
export function describeAllowed(o: OptionSchema): string {
  if (o['x-allowed'] !== undefined) return o['x-allowed'];
  if (o.enum !== undefined) return `must be one of ${o.enum.join(', ')}`;
  switch (o.type) {
    case 'boolean':
      return 'must be true or false (also yes/no, 1/0)';
    case 'integer':
      return `must be ${range('an integer', o)}`;
    case 'number':
      return `must be ${range('a number', o)}`;
    case 'string':
      return 'must be a non-empty string';
  }
}
