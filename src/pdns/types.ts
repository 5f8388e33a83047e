/**
 * The PowerDNS Authoritative HTTP API as the daemon uses it (see shared/reference/powerdns-api.md §3).
 */
import type { ZoneName } from '../core/types.js';

/** A record as PowerDNS returns it inside an rrset. */
export interface PdnsRecord {
  content: string;
  disabled: boolean;
}

/** An rrset comment; PowerDNS requires `account` (powerdns-api.md §3 "Comments"). */
export interface PdnsComment {
  content: string;
  account: string;
  modified_at?: number;
}

/** An rrset as PowerDNS returns it from `GET /zones/{id}`. */
export interface PdnsRRset {
  name: string;
  type: string;
  ttl: number;
  records: PdnsRecord[];
  comments?: PdnsComment[];
}

/** One entry of a PATCH body. DELETE needs only name and type. */
export interface PdnsRRsetChange {
  name: string;
  type: string;
  changetype: 'REPLACE' | 'DELETE';
  ttl?: number;
  records?: PdnsRecord[];
  /** Absent: PowerDNS keeps the rrset's comments; present: replaces them. */
  comments?: PdnsComment[];
}

/** An entry of `GET /zones` (no rrsets). */
export interface PdnsZoneSummary {
  id: string;
  name: ZoneName;
  kind: string;
  serial: number;
  account: string;
}

/** A zone with its rrsets, from `GET /zones/{id}`. */
export interface PdnsZone extends PdnsZoneSummary {
  rrsets: PdnsRRset[];
  soa_edit_api?: string;
  /** True when some key is active (or the zone is presigned). */
  dnssec?: boolean;
  /** '' for NSEC (or unsigned). */
  nsec3param?: string;
  /** The catalog it is a member of ('' none); only `GET /zones/{id}` says (the list always shows ''). */
  catalog?: string;
  /** TSIG keys allowed to transfer it (stored as TSIG-ALLOW-AXFR). */
  master_tsig_key_ids?: string[];
}

/** One entry of `GET /zones/{id}/metadata`. */
export interface PdnsMetadata {
  kind: string;
  metadata: string[];
}

/** A TSIG key (`/tsigkeys`); `key` is the base64 secret, never logged. */
export interface PdnsTsigKey {
  name: string;
  algorithm: string;
  key: string;
}

/** The zone fields the daemon sets with `PUT /zones/{id}`. */
export interface PdnsZoneFields {
  account?: string;
  kind?: string;
  soa_edit_api?: string;
  catalog?: string;
  master_tsig_key_ids?: string[];
}

/** A key as `GET /zones/{id}/cryptokeys` lists it (replication-dnssec.md §2.3). */
export interface PdnsCryptokey {
  id: number;
  /** 257 (KSK/CSK) or 256 (ZSK); `keytype` in answers is derived, so it is not read. */
  flags: number;
  algorithm: string;
  bits: number;
  active: boolean;
  published: boolean;
  dnskey: string;
  /** Flags-257 keys only: SHA-1, SHA-256 and SHA-384 digests. */
  ds?: string[];
}

/** The body of `POST /zones/{id}/cryptokeys`. */
export interface PdnsKeyCreate {
  keytype: 'csk' | 'ksk' | 'zsk';
  active: boolean;
  published: boolean;
  algorithm: string;
  bits?: number;
}

/** The DNSSEC calls (cryptokeys, metadata, rectify, the zone's signing switches). */
export interface PdnsSigningApi {
  listCryptokeys(zone: ZoneName): Promise<PdnsCryptokey[]>;
  createCryptokey(zone: ZoneName, spec: PdnsKeyCreate): Promise<PdnsCryptokey>;
  /** Always sends both flags. */
  setCryptokey(zone: ZoneName, id: number, flags: { active: boolean; published: boolean }): Promise<void>;
  deleteCryptokey(zone: ZoneName, id: number): Promise<void>;
  /** `PUT /zones/{id}/rectify`: keys added through the API are not rectified otherwise (pitfall 16). */
  rectify(zone: ZoneName): Promise<void>;
  /** `PUT /zones/{id}` with `nsec3param` (and `nsec3narrow: false`), or `dnssec: false` (deletes every key). */
  setSigning(zone: ZoneName, fields: { nsec3param: string; nsec3narrow: false } | { dnssec: false }): Promise<void>;
}

/** The body of `POST /zones`. */
export interface PdnsZoneCreate {
  name: ZoneName;
  kind: string;
  account: string;
  /** Always "" here: the daemon owns the serial (powerdns-api.md §4). */
  soa_edit_api: string;
  /** Never mixed with apex NS in rrsets; the daemon sends [] and the NS in rrsets. */
  nameservers: string[];
  rrsets: PdnsRRsetChange[];
  /** Catalog membership (kind Master only; PowerDNS does not check the name). */
  catalog?: string;
  master_tsig_key_ids?: string[];
}

/** What the reconcile engine needs from PowerDNS. Implemented over HTTP by `createPdnsClient`. */
export interface PdnsApi extends PdnsSigningApi {
  /** `GET /servers/{id}`: version probe. */
  serverInfo(): Promise<{ version: string }>;
  /** `GET /zones?dnssec=false`: every zone, without rrsets. */
  listZones(): Promise<PdnsZoneSummary[]>;
  /** `GET /zones/{id}`: the zone with rrsets, or null when PowerDNS answers 404. */
  getZone(zone: ZoneName): Promise<PdnsZone | null>;
  /** `POST /zones`: 'exists' when PowerDNS answers 409 (never an error). */
  createZone(spec: PdnsZoneCreate): Promise<'created' | 'exists'>;
  /** `PATCH /zones/{id}`: applies the changes in order, split into bodies below the size limit. */
  patchRRsets(zone: ZoneName, changes: PdnsRRsetChange[]): Promise<void>;
  /** `PUT /zones/{id}` with metadata fields such as account, kind, soa_edit_api or catalog. */
  updateZone(zone: ZoneName, fields: PdnsZoneFields): Promise<void>;
  /** `GET /zones/{id}/metadata`. */
  getMetadata(zone: ZoneName): Promise<PdnsMetadata[]>;
  /** `PUT /zones/{id}/metadata/{kind}`, or `DELETE` of that kind when `values` is empty. */
  setMetadata(zone: ZoneName, kind: string, values: string[]): Promise<void>;
  /** `GET /tsigkeys/{id}` with its secret, or null when absent. */
  getTsigKey(name: string): Promise<PdnsTsigKey | null>;
  /** Creates the key (`POST /tsigkeys`) or, when `exists`, replaces its algorithm and secret (`PUT /tsigkeys/{id}`). */
  putTsigKey(key: PdnsTsigKey, exists: boolean): Promise<void>;
  /** `DELETE /zones/{id}`. */
  deleteZone(zone: ZoneName): Promise<void>;
  /** `PUT /zones/{id}/notify`. */
  notify(zone: ZoneName): Promise<void>;
  /** `PATCH /zones/{id}` with no rrsets: PowerDNS applies the zone's SOA-EDIT-API to its serial (EPOCH: now). */
  bumpSerial(zone: ZoneName): Promise<void>;
}
