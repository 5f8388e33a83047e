/** The embedded broker's publish rule: everything is let through, nothing is retained (no per-topic memory). */
import { expect } from 'chai';
import type { PublishPacket } from 'aedes';
import { createBrokerAuth } from '../../../src/intake/broker-auth.js';
import { createMemoryLogger } from '../../../src/util/log.js';

describe('embedded broker auth: publish', () => {
  it('lets a publish through and clears its retain flag', () => {
    const auth = createBrokerAuth({ daemonClientId: 'netbox-pdns', logger: createMemoryLogger().logger });
    const packet = { cmd: 'publish', topic: 'netbox/netbox_dns/record/updated', payload: Buffer.from('{}'), qos: 1, dup: false, retain: true } as PublishPacket;
    let error: Error | null | undefined = new Error('not called');
    auth.authorizePublish(null, packet, (e) => { error = e; });
    expect(error).to.equal(null);
    expect(packet.retain).to.equal(false);
  });
});
