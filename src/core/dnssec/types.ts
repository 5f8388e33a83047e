/**
 * DNSSEC vocabulary of the pure core: what a NetBox DNSSEC policy asks for (read from netbox-plugin-dns,
 * replication-dnssec.md §3), what PowerDNS holds (keys, NSEC3 parameters, metadata), and the changes
 * that make one match the other. PowerDNS has no key lifecycle, so the lifecycle state of each key the
 * daemon manages lives in zone metadata it owns (`X-NETBOX-PDNS-SIGNING`), next to PowerDNS's own
 * active/published flags, so a restart resumes where it left off.
 */

/** The plugin's key template types. */
export type KeyRole = 'csk' | 'ksk' | 'zsk';

/** The plugin's algorithm choices; PowerDNS accepts the same mnemonics. */
export const POLICY_ALGORITHMS = ['RSASHA256', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519', 'ED448'] as const;

/** A key template as nested in a NetBox DNSSEC policy (the template's brief form). */
export interface SourceKeyTemplate {
  id: number;
  name: string;
  type: string;
  algorithm: string;
  key_size: number | null;
  /** Seconds, or null for "never roll". */
  lifetime: number | null;
}

/** What the daemon reads of a NetBox DNSSEC policy (`/api/plugins/netbox-dns/dnssecpolicies/<id>/`). */
export interface SourceDnssecPolicy {
  id: number;
  name: string;
  status: string;
  inline_signing: boolean;
  key_templates: SourceKeyTemplate[];
  dnskey_ttl: number | null;
  purge_keys: number | null;
  publish_safety: number | null;
  retire_safety: number | null;
  signatures_jitter: number | null;
  signatures_refresh: number | null;
  signatures_validity: number | null;
  signatures_validity_dnskey: number | null;
  max_zone_ttl: number | null;
  zone_propagation_delay: number | null;
  create_cdnskey: boolean;
  cds_digest_types: string[];
  parent_ds_ttl: number | null;
  parent_propagation_delay: number | null;
  use_nsec3: boolean;
  nsec3_iterations: number | null;
  nsec3_opt_out: boolean | null;
  nsec3_salt_size: number | null;
}

/** One key the policy asks for. */
export interface WantedKey {
  role: KeyRole;
  /** PowerDNS mnemonic, upper case. */
  algorithm: string;
  /** RSA only: the key size in bits. */
  bits?: number;
  /** Seconds, or null: never rolled. */
  lifetime: number | null;
}

/** The rollover timings, in seconds (the plugin's fallbacks where NetBox leaves them null). */
export interface SigningTimings {
  dnskeyTtl: number;
  publishSafety: number;
  retireSafety: number;
  maxZoneTtl: number;
  zonePropagationDelay: number;
  parentDsTtl: number;
  parentPropagationDelay: number;
}

/** The signing a policy asks for, in PowerDNS's terms. */
export interface DesiredSigning {
  policyId: number;
  policyName: string;
  keys: WantedKey[];
  /** null: NSEC; else NSEC3 with these fields (the salt is generated, only its size is asked for). */
  nsec3: { optOut: boolean; iterations: number; saltBytes: number } | null;
  /** PUBLISH-CDS digest numbers (2 SHA-256, 4 SHA-384); empty: no CDS. */
  cdsDigests: string[];
  cdnskey: boolean;
  /** DS digest numbers the parent needs: the policy's CDS digest types, SHA-256 when none. */
  dsDigests: string[];
  timings: SigningTimings;
  /** What the policy asks for and PowerDNS cannot do, in words. */
  unsupported: string[];
}

/** A key as PowerDNS lists it under `/zones/{id}/cryptokeys`. */
export interface ActualKey {
  id: number;
  /** 257 (KSK/CSK) or 256 (ZSK): `keytype` in answers is derived, flags are what is stored. */
  flags: number;
  algorithm: string;
  bits: number;
  active: boolean;
  published: boolean;
  /** `257 3 13 <base64>`. */
  dnskey: string;
  /** `<tag> <alg> <digest type> <hex>` for flags-257 keys. */
  ds: string[];
}

/** Lifecycle states of a managed key (RFC 7583 terms). */
export const KEY_STATES = ['published', 'active', 'retired'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** The daemon's record of one key it manages (kept in zone metadata). */
export interface KeyRecord {
  id: number;
  role: KeyRole;
  state: KeyState;
  /** Epoch seconds the key was created. */
  created: number;
  /** Epoch seconds the key entered `state`. */
  since: number;
  /** KSK/CSK successors: epoch seconds the parent was first seen publishing its DS (0: not yet). */
  dsSeen: number;
}

/** What PowerDNS holds for a zone's signing. */
export interface ActualSigning {
  /** PowerDNS's `dnssec` flag (true when some key is active). */
  dnssec: boolean;
  /** '' for NSEC. */
  nsec3param: string;
  keys: ActualKey[];
  /** PUBLISH-CDS values ([] when unset). */
  cds: string[];
  /** PUBLISH-CDNSKEY values. */
  cdnskey: string[];
  /** Our metadata; null when the zone's signing is not ours (never signed by us). */
  records: KeyRecord[] | null;
}

/** One write to PowerDNS's signing state. A new key is named by `ref` until PowerDNS gives it an id. */
export type SigningChange =
  | { op: 'add-key'; ref: string; role: KeyRole; algorithm: string; bits?: number; active: boolean; published: boolean; why: string }
  | { op: 'set-key'; id: number; role: KeyRole; active: boolean; published: boolean; why: string }
  | { op: 'delete-key'; id: number; role: KeyRole; active: boolean; why: string }
  | { op: 'nsec3param'; from: string; to: string }
  | { op: 'metadata'; kind: 'PUBLISH-CDS' | 'PUBLISH-CDNSKEY'; from: string[]; to: string[] }
  /** Turns signing off: PowerDNS deletes every key (private keys are gone for good). */
  | { op: 'disable'; why: string };

/** A key record after the plan, naming a new key by its `ref`. */
export type PlannedRecord = Omit<KeyRecord, 'id'> & { id: number | string };

/** The signing part of a zone plan. */
export interface SigningPlan {
  policy: string | null;
  changes: SigningChange[];
  /** Our key records once the changes are made (null: our metadata is removed). */
  records: PlannedRecord[] | null;
  /** Whether the records differ from what PowerDNS holds (a metadata write even without other changes). */
  recordsChanged: boolean;
  unsupported: string[];
  /** What the lifecycle waits for, in words (e.g. the parent's DS). */
  waiting: string[];
  /** A KSK/CSK rollover waits for the parent to publish the new key's DS. */
  waitingForDs: boolean;
  /** Set when a change needs an operator's approval (removing signing, deleting an active key). */
  unsafe: string | null;
}
