/**
 * The TSIG key a target's zones allow transfers with (`master_tsig_key_ids`), kept in PowerDNS
 * through its TSIG-keys API from the configured secret. It must exist before any zone names it
 * (PowerDNS answers 422 otherwise), so zone writes wait for `ready()`. The secret is never logged
 * or shown: a plan line says only whether the key is missing or different.
 */
import type { SettingChange } from '../core/plan.js';
import type { PdnsApi, PdnsTsigKey } from '../pdns/types.js';
import type { Logger } from '../util/log.js';

export interface TsigKeeper {
  /** Compares the key in PowerDNS with the configured one and (unless `dryRun`) writes it; the change, if any. */
  ensure(opts: { dryRun: boolean }): Promise<SettingChange | undefined>;
  /** Resolves once the key was ensured since start (ensures it the first time). */
  ready(): Promise<void>;
}

export function createTsigKeeper(pdns: PdnsApi, key: PdnsTsigKey, logger: Logger): TsigKeeper {
  let prepared: Promise<void> | null = null;
  async function ensure({ dryRun }: { dryRun: boolean }): Promise<SettingChange | undefined> {
    const have = await pdns.getTsigKey(key.name);
    if (have !== null && have.algorithm.toLowerCase() === key.algorithm && have.key === key.key) return undefined;
    const change: SettingChange = { field: 'tsig_key', from: have === null ? null : `${key.name} (different)`, to: `${key.name} ${key.algorithm} (secret from configuration)` };
    if (!dryRun) {
      await pdns.putTsigKey(key, have !== null);
      logger.info(`TSIG key ${key.name} ${have === null ? 'created' : 'updated'} in PowerDNS`);
    }
    return change;
  }
  return {
    ensure,
    ready() {
      prepared ??= ensure({ dryRun: false }).then(() => undefined, (err: unknown) => {
        prepared = null;
        throw err;
      });
      return prepared;
    },
  };
}
