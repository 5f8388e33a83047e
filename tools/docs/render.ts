/**
 * Documentation generated from the schema, so the README table, the example env file and the
 * editor schema can never disagree with what the loader accepts. The lead wires these into
 * README.md, deploy/ and config/schema.json (e.g. a `make docs` target).
 */
import { GROUP_ORDER } from '../../src/config/option.js';
import { CONFIG_SCHEMA, configOptions, type OptionInfo } from '../../src/config/schema.js';
import { CONFIG_ENV } from '../../src/config/load.js';

function byGroup(): OptionInfo[] {
  return [...configOptions()].sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(o: OptionInfo): string {
  if (o.required) return '**required**';
  if (o.default === undefined) return '';
  return `\`${String(o.default)}\``;
}

/**
 * Markdown table of every option: env variable, config-file key, default, allowed values and
 * description. Secrets are flagged and mention the `_FILE` / systemd-credential alternatives.
 */
export function renderConfigTable(): string {
  const lines = [
    '| Variable | File key | Group | Default | Allowed | Description |',
    '|---|---|---|---|---|---|',
  ];
  for (const o of byGroup()) {
    const allowed = o.allowed.replace(/^must be /, '');
    const secret = o.secret
      ? ` **Secret**: also \`${o.env}_FILE\` or credential \`${o.key}\`.`
      : '';
    lines.push(
      `| \`${o.env}\` | \`${o.key}\` | ${o.group} | ${cell(defaultText(o))} | ${cell(allowed)} | ${cell(o.description + secret)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A commented env file with every variable and its default. Required variables are left
 * uncommented and empty (an empty value counts as unset, so the daemon says what is missing);
 * everything else is commented out at its default. Values are unquoted, which both systemd
 * EnvironmentFile= and `docker --env-file` read as the rest of the line.
 */
export function renderEnvExample(): string {
  const out = [
    '# netbox-pdns environment file (generated from the config schema; do not edit by hand).',
    '# Precedence: NETBOX_PDNS_<NAME> > NETBOX_PDNS_<NAME>_FILE (secrets) > $CREDENTIALS_DIRECTORY/<key> (secrets)',
    `#             > JSON config file (--config or ${CONFIG_ENV}) > default.`,
    '# Unknown NETBOX_PDNS_* variables are an error, so typos do not pass silently.',
  ];
  let group: string | undefined;
  for (const o of byGroup()) {
    if (o.group !== group) {
      group = o.group;
      out.push('', `# --- ${group} ---`);
    }
    out.push(`# ${o.description}`);
    out.push(`# Allowed: ${o.allowed.replace(/^must be /, '')}`);
    if (o.secret) out.push(`# Secret: prefer ${o.env}_FILE=/path or systemd LoadCredential=${o.key}:/path`);
    if (o.required) out.push(`${o.env}=`);
    else out.push(`# ${o.env}=${o.default === undefined ? '' : String(o.default)}`);
  }
  return `${out.join('\n')}\n`;
}

/** The JSON Schema as pretty JSON, for `config/schema.json` (editor completion and CI checks). */
export function renderJsonSchema(): string {
  return `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`;
}
