/** The README and the generated files stay true to the code: config table, env example, schema, commands. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedFiles, withConfigTable } from '../../tools/docs/generated-files.js';
import { USAGE } from '../../src/cli/args.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(`${root}/${path}`, 'utf8');

describe('docs', () => {
  it('README config table matches the schema (run `make docs` after changing an option)', () => {
    const readme = read('README.md');
    expect(withConfigTable(readme)).to.equal(readme);
  });

  it('generated files match the schema (run `make docs`)', () => {
    for (const [path, content] of Object.entries(generatedFiles())) expect(read(path), path).to.equal(content);
  });

  it('every make target the README shows exists in the Makefile', () => {
    const readme = read('README.md');
    const makefile = read('Makefile');
    const targets = [...readme.matchAll(/\bmake ([a-z][a-z-]*)/g)].map((m) => m[1] as string);
    expect(targets.length).to.be.greaterThan(1);
    for (const target of new Set(targets)) expect(makefile, `make ${target}`).to.match(new RegExp(`^${target}:`, 'm'));
  });

  it('every netbox-pdns command the README shows exists in the CLI', () => {
    const code = [...read('README.md').matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
    const commands = [...code.matchAll(/^\s*(?:netbox-pdns|node dist\/main\.js) ([a-z][a-z-]+)/gm)].map((m) => m[1] as string);
    expect(commands.length).to.be.greaterThan(3);
    for (const command of new Set(commands)) expect(USAGE, command).to.match(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('.ci/run calls the README test command', () => {
    expect(read('README.md')).to.include('make test');
    expect(read('.ci/run')).to.match(/^make test$/m);
  });
});

describe('config examples', () => {
  it('config/netbox-pdns.example.json loads, with the secrets coming from the environment', async () => {
    const { loadConfig } = await import('../../src/config/index.js');
    const config = loadConfig({
      env: { NETBOX_PDNS_NB_TOKEN: 'x'.repeat(40), NETBOX_PDNS_PDNS_TOKEN: 'key' },
      configPath: `${root}/config/netbox-pdns.example.json`,
    });
    expect(config.nb_ns_id).to.equal(3);
    expect(config.mqtt_broker_url).to.equal('embedded');
  });
});
