/**
 * The apex SOA content in PowerDNS's presentation form
 * (`ns1.example.net. hostmaster.example.com. 1760000123 43200 7200 2419200 3600`) and the few
 * operations the serial rule needs (powerdns-api.md §4).
 */
import type { SoaFields } from './types.js';

/** Renders SOA fields as PowerDNS shows them (names are expected absolute already). */
export function soaContent(soa: Omit<SoaFields, 'ttl'>): string {
  return [soa.mname, soa.rname, soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum].join(' ');
}

/** The serial field of SOA content, or null when the content is not a SOA. */
export function soaSerial(content: string): number | null {
  const fields = content.trim().split(/\s+/);
  if (fields.length !== 7 || !/^\d+$/.test(fields[2] ?? '')) return null;
  return Number(fields[2]);
}

/** SOA content with its serial replaced. */
export function withSerial(content: string, serial: number): string {
  const fields = content.trim().split(/\s+/);
  fields[2] = String(serial);
  return fields.join(' ');
}

/** SOA content without its serial, to compare two SOAs on everything the daemon does not own. */
export function withoutSerial(content: string): string {
  const fields = content.trim().split(/\s+/);
  fields.splice(2, 1);
  return fields.join(' ');
}
