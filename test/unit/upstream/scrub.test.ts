import { expect } from 'chai';
import { createScrubber } from '../../../src/upstream/scrub.js';

describe('createScrubber', () => {
  const scrub = createScrubber(['nbt_key1234.secret-part-5678', 'pdns-key-1234', undefined, 'ab']);

  it('removes every configured secret, raw, percent-encoded and JSON-escaped', () => {
    expect(scrub('Authorization: Bearer nbt_key1234.secret-part-5678')).to.equal('Authorization: Bearer ***');
    expect(scrub('x-api-key=pdns-key-1234&x=1')).to.equal('x-api-key=***&x=1');
    expect(scrub(encodeURIComponent('t=nbt_key1234.secret-part-5678'))).to.not.include('secret-part-5678');
    const quoted = createScrubber(['a"b\\c-secret']);
    expect(quoted(JSON.stringify({ k: 'a"b\\c-secret' }))).to.equal('{"k":"***"}');
  });

  it('removes the plaintext part of a NetBox v2 token on its own', () => {
    expect(scrub('token secret-part-5678 echoed')).to.equal('token *** echoed');
  });

  it('redacts user:password in URLs, and leaves short values and ordinary text alone', () => {
    expect(scrub('mqtt://user:hunter2@broker:1883/x')).to.equal('mqtt://user:***@broker:1883/x');
    expect(scrub('ab cd ab')).to.equal('ab cd ab');
    expect(scrub('HTTP 500: Internal Server Error')).to.equal('HTTP 500: Internal Server Error');
  });
});
