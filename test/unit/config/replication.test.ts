import { expect } from 'chai';
import { loadConfig } from '../../../src/config/index.js';
import { parseCidrs, parseHostPorts } from '../../../src/config/replication.js';
import { baseEnv, problemsOf } from './helpers.js';

describe('config: replication', () => {
  it('a catalog makes the zones Master unless a kind is configured, and names the conflict with Native', () => {
    expect(loadConfig({ env: baseEnv({ NETBOX_PDNS_CATALOG_ZONE: 'Catalog.Invalid' }) }).targets[0]).to.include({ zoneKind: 'Master', catalogZone: 'catalog.invalid.' });
    expect(problemsOf(() => loadConfig({ env: baseEnv({ NETBOX_PDNS_CATALOG_ZONE: 'catalog.invalid.', NETBOX_PDNS_PDNS_ZONE_KIND: 'Native' }) }))).to.deep.equal([
      'NETBOX_PDNS_PDNS_ZONE_KIND: Native conflicts with the catalog zone "catalog.invalid.": PowerDNS lists only Master zones in a catalog; use Master (or set no catalog)',
    ]);
    const list = JSON.stringify([{ name: 'a', url: 'http://a' }, { name: 'b', url: 'http://b', zone_kind: 'Native' }, { name: 'c', url: 'http://c', catalog_zone: '' }]);
    const env = baseEnv({
      NETBOX_PDNS_PDNS_URL: undefined, NETBOX_PDNS_PDNS_TOKEN: undefined, NETBOX_PDNS_PDNS_TARGETS: list, NETBOX_PDNS_CATALOG_ZONE: 'cat.invalid',
      NETBOX_PDNS_PDNS_TOKEN_A: 'k', NETBOX_PDNS_PDNS_TOKEN_B: 'k', NETBOX_PDNS_PDNS_TOKEN_C: 'k',
    });
    expect(problemsOf(() => loadConfig({ env }))).to.deep.equal([
      'NETBOX_PDNS_PDNS_TARGETS[1].zone_kind: Native conflicts with the catalog zone "cat.invalid": PowerDNS lists only Master zones in a catalog; use Master (or set no catalog)',
    ]);
    const { NETBOX_PDNS_PDNS_TOKEN_B: _b, ...rest } = env;
    const ok = loadConfig({ env: { ...rest, NETBOX_PDNS_PDNS_TARGETS: JSON.stringify([{ name: 'a', url: 'http://a' }, { name: 'c', url: 'http://c', catalog_zone: '' }]) } });
    expect(ok.targets.map((t) => [t.zoneKind, t.catalogZone])).to.deep.equal([['Master', 'cat.invalid.'], ['Native', undefined]]);
  });

  it('checks the address lists and that the TSIG options come together, masking the secret', () => {
    const problems = problemsOf(() => loadConfig({ env: baseEnv({
      NETBOX_PDNS_ALSO_NOTIFY: '192.0.2.1:53,ns1.example.net', NETBOX_PDNS_ALLOW_AXFR_FROM: '192.0.2.0/33', NETBOX_PDNS_TSIG_SECRET: 'c2VjcmV0',
    }) }));
    expect(problems).to.deep.equal([
      'NETBOX_PDNS_ALSO_NOTIFY="192.0.2.1:53,ns1.example.net": must be a comma-separated list of IP or IP:port ([IPv6]:port)',
      'NETBOX_PDNS_ALLOW_AXFR_FROM="192.0.2.0/33": must be a comma-separated list of IP addresses or CIDR prefixes',
      'NETBOX_PDNS_TSIG_SECRET=****: set without NETBOX_PDNS_TSIG_KEY_NAME',
    ]);
    expect(parseHostPorts('192.0.2.1, 192.0.2.2:5300, [2001:db8::1]:53, 2001:db8::2')).to.deep.equal([
      { host: '192.0.2.1', port: 53 }, { host: '192.0.2.2', port: 5300 }, { host: '2001:db8::1', port: 53 }, { host: '2001:db8::2', port: 53 },
    ]);
    expect(parseCidrs('192.0.2.0/24,2001:db8::/32,192.0.2.1')).to.deep.equal(['192.0.2.0/24', '2001:db8::/32', '192.0.2.1']);
  });
});
