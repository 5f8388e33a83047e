import { expect } from 'chai';
import { createEchoFilter } from '../../../src/intake/echo.js';
import { ManualClock } from '../../support/manual-clock.js';

describe('echo filter', () => {
  it('recognises a payload we published, once, within the TTL', () => {
    const clock = new ManualClock();
    const echo = createEchoFilter(clock, { ttlMs: 1000 });
    const body = Buffer.from('{"event":"updated"}');
    expect(echo.isEcho(body)).to.equal(false);
    echo.published(body);
    expect(echo.isEcho(Buffer.from('{"event":"created"}'))).to.equal(false);
    expect(echo.isEcho(body)).to.equal(true);
    expect(echo.isEcho(body)).to.equal(false);
    echo.published(body);
    clock.advance(1000);
    expect(echo.isEcho(body)).to.equal(false);
  });

  it('keeps at most maxEntries', () => {
    const clock = new ManualClock();
    const echo = createEchoFilter(clock, { maxEntries: 3 });
    for (let i = 0; i < 10; i++) echo.published(Buffer.from(String(i)));
    expect(echo.isEcho(Buffer.from('0'))).to.equal(false);
    expect(echo.isEcho(Buffer.from('9'))).to.equal(true);
  });
});
