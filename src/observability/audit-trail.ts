/**
 * The audit trail's sink: every record goes to the log as one structured line (`audit: …`, the
 * record's fields beside it, so journald and JSON logs both carry it), optionally to a JSON-lines
 * file rotated by size (FILE → FILE.1 → … → FILE.keep), and to a short in-memory list for the status
 * page. Records hold rrset contents, names and NetBox user names, never a credential. A failing file
 * never fails a write to PowerDNS: the problem is logged (once per distinct error) and the log line
 * still carries the record.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { describeAuditRecord, type AuditRecord, type AuditSink } from '../reconcile/audit.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';

export interface AuditFileOptions {
  path: string;
  maxBytes: number;
  keep: number;
}

export interface AuditTrail extends AuditSink {
  /** The most recent records (this process's, after the audit file's tail when there is one), newest last. */
  recent(limit?: number): AuditRecord[];
}

/** Records kept in memory for the page. */
const RECENT = 200;

export function createAuditTrail(opts: { logger: Logger; file?: AuditFileOptions }): AuditTrail {
  const log = opts.logger.child({ component: 'audit' });
  const recent: AuditRecord[] = [];
  // The page's list starts from the file's tail, so a restart does not blank it; read on first use.
  let seeded = opts.file === undefined;
  let size: number | null = null;
  let lastError: string | null = null;

  function rotate(file: AuditFileOptions): void {
    rmSync(`${file.path}.${file.keep}`, { force: true });
    for (let i = file.keep - 1; i >= 1; i--) {
      if (existsSync(`${file.path}.${i}`)) renameSync(`${file.path}.${i}`, `${file.path}.${i + 1}`);
    }
    if (existsSync(file.path)) renameSync(file.path, `${file.path}.1`);
    size = 0;
  }

  function append(file: AuditFileOptions, records: readonly AuditRecord[]): void {
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    const bytes = Buffer.byteLength(text);
    try {
      size ??= existsSync(file.path) ? statSync(file.path).size : 0;
      if (size > 0 && size + bytes > file.maxBytes) rotate(file);
      appendFileSync(file.path, text, { mode: 0o640 });
      size += bytes;
      lastError = null;
    } catch (err) {
      size = null;
      const message = errorMessage(err);
      if (message !== lastError) log.error(`audit file ${file.path} not written: ${message}; the audit lines are in this log`);
      lastError = message;
    }
  }

  /** Before the first write or read: the file's tail, once (before our own lines join it). */
  function seed(): void {
    if (seeded || !opts.file) return;
    seeded = true;
    try {
      recent.unshift(...readAuditFiles(opts.file.path, 0).records.slice(-RECENT));
    } catch (err) {
      log.warn(`audit file ${opts.file.path} not read: ${errorMessage(err)}`);
    }
  }

  return {
    write(records) {
      if (records.length === 0) return;
      seed();
      for (const r of records) {
        const { zone, ...fields } = r;
        log.info(`audit: ${describeAuditRecord(r)}`, { zone, audit: 'rrset', ...fields });
        recent.push(r);
      }
      if (recent.length > RECENT) recent.splice(0, recent.length - RECENT);
      if (opts.file) append(opts.file, records);
    },
    recent(limit = 50) {
      seed();
      return recent.slice(-limit);
    },
  };
}

/**
 * Reads the audit file and its rotated copies, oldest first. Lines that do not parse (a line cut by
 * a crash) are skipped and counted.
 */
export function readAuditFiles(path: string, keep: number): { records: AuditRecord[]; skipped: number } {
  const records: AuditRecord[] = [];
  let skipped = 0;
  const files = [...Array.from({ length: keep }, (_, i) => `${path}.${keep - i}`), path].filter((f) => existsSync(f));
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as AuditRecord);
      } catch {
        skipped += 1;
      }
    }
  }
  return { records, skipped };
}
