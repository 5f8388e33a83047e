import { expect } from 'chai';
import type { IncomingHttpHeaders } from 'node:http';
import { checkKeys, checkReadAccess } from '../../../src/util/credentials.js';

const TOKEN = 'status-token-81aa';
const KEY = 'api-key-92bb';
const bearer = (value: string): IncomingHttpHeaders => ({ authorization: `Bearer ${value}` });

describe('HTTP credential checks', () => {
  it('checkKeys: any configured key matches, unset ones are skipped, none configured is disabled', () => {
    expect(checkKeys(bearer(KEY), [TOKEN, KEY])).to.equal('ok');
    expect(checkKeys({ 'x-api-key': TOKEN }, [TOKEN, undefined])).to.equal('ok');
    expect(checkKeys(bearer('other'), [TOKEN, KEY])).to.equal('wrong');
    expect(checkKeys({}, [TOKEN])).to.equal('missing');
    expect(checkKeys(bearer(KEY), [undefined, ''])).to.equal('disabled');
  });

  const cases: Array<[string, { statusToken?: string; apiKey?: string }, IncomingHttpHeaders, boolean, string]> = [
    ['no token: the document is open', { apiKey: KEY }, {}, false, 'open'],
    ['no token: a zone lookup needs the API key', { apiKey: KEY }, {}, true, 'missing'],
    ['no token: the API key opens a zone lookup', { apiKey: KEY }, bearer(KEY), true, 'ok'],
    ['nothing configured: a zone lookup is disabled', {}, bearer(KEY), true, 'disabled'],
    ['nothing configured: the document is open', {}, {}, false, 'open'],
    ['token: needed for the document', { statusToken: TOKEN }, {}, false, 'missing'],
    ['token: a wrong one', { statusToken: TOKEN, apiKey: KEY }, bearer(`${TOKEN}x`), false, 'wrong'],
    ['token: the token itself', { statusToken: TOKEN, apiKey: KEY }, bearer(TOKEN), true, 'ok'],
    ['token: the API key also reads', { statusToken: TOKEN, apiKey: KEY }, { 'x-api-key': KEY }, false, 'ok'],
  ];
  for (const [what, keys, headers, zoneLookup, expected] of cases) {
    it(`checkReadAccess: ${what}`, () => {
      expect(checkReadAccess(headers, keys, zoneLookup)).to.equal(expected);
    });
  }
});
