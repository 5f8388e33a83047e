/**
 * Injected failures for the reliability tests: the next N API requests answer with a status, hang,
 * are delayed, are cut off mid-body, or (zone or record lists only) come back empty. Faults are
 * consumed in the order they were queued; an `emptyZones` (`emptyRecords`) fault waits for the next
 * zone-list (record-list) request.
 */

export interface Fault {
  /** Answer with this status (and `body`, default a DRF-style `{"detail": …}`) instead of the real one. */
  status?: number;
  body?: string;
  /** Wait this long before answering (then apply the rest of the fault, or answer normally). */
  delayMs?: number;
  /** Never answer; the socket stays open until the server closes. */
  hang?: boolean;
  /** Send the headers (with the full Content-Length) and half the body, then drop the connection. */
  truncate?: boolean;
  /** The next zone-list request returns `{count: 0, results: []}`. */
  emptyZones?: boolean;
  /** The next record-list request returns `{count: 0, results: []}` (a wrong filter, a permission change, a proxy). */
  emptyRecords?: boolean;
}

export interface FaultControl {
  next(fault: Fault, count?: number): void;
  clear(): void;
}

export class FaultQueue implements FaultControl {
  private readonly queue: Fault[] = [];

  next(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.queue.push({ ...fault });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for this request, if any. List-only faults are skipped for other requests. */
  take(isZoneList: boolean, isRecordList = false): Fault | undefined {
    const index = this.queue.findIndex((f) => hasOther(f) || (f.emptyZones === true ? isZoneList : f.emptyRecords === true ? isRecordList : true));
    if (index < 0) return undefined;
    const [fault] = this.queue.splice(index, 1);
    return fault;
  }
}

function hasOther(f: Fault): boolean {
  return f.status !== undefined || f.delayMs !== undefined || f.hang === true || f.truncate === true;
}

/** The reason phrase NetBox/gunicorn/nginx would send for common fault statuses. */
export function faultBody(status: number): string {
  const reasons: Record<number, string> = {
    429: 'Request was throttled.',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return JSON.stringify({ detail: reasons[status] ?? `Injected fault ${status}` });
}
