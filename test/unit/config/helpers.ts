/** Shared fixtures for the config tests: a minimal valid environment and a problem collector. */
import { expect } from 'chai';
import { ConfigError } from '../../../src/util/errors.js';

export const NB_TOKEN = 'nb-secret-token-0123456789';
export const PDNS_TOKEN = 'pdns-secret-key-abcdef';

/** The five required variables, with recognisable secret values. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NETBOX_PDNS_NB_URL: 'https://netbox.example.com',
    NETBOX_PDNS_NB_TOKEN: NB_TOKEN,
    NETBOX_PDNS_NB_NS_ID: '1',
    NETBOX_PDNS_PDNS_URL: 'http://pdns.example.com:8081',
    NETBOX_PDNS_PDNS_TOKEN: PDNS_TOKEN,
    ...extra,
  };
}

/** Runs `fn`, expects a ConfigError and returns its problem lines. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  expect.fail('expected a ConfigError');
}

/** A readFile over an in-memory map that fails like fs (ENOENT) for unknown paths. */
export function fakeFiles(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    }
    return text;
  };
}
