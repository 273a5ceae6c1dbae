/**
 * Keeps the list of received requests, wakes up waitForRequest() callers, and appends finished
 * requests to the optional JSONL log file.
 */
import { appendFile } from 'node:fs/promises';
import type { RecordedRequest } from './types.js';

interface Waiter {
  predicate: (request: RecordedRequest) => boolean;
  resolve: (request: RecordedRequest) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export const defaultWaitTimeoutMs = 10_000;

export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  private readonly waiters = new Set<Waiter>();
  private pendingLogWrite: Promise<void> = Promise.resolve();
  private logFailureReported = false;

  constructor(private readonly logFile: string | undefined) {}

  /** Records a request (once its reply has been decided) and wakes matching waiters. */
  add(record: RecordedRequest): void {
    if (!this.requests.includes(record)) {
      this.requests.push(record);
    }
    this.wakeWaiters();
  }

  /** Marks a request as finished: waiters see its final state and it is logged. */
  complete(record: RecordedRequest): void {
    this.add(record);
    if (this.logFile !== undefined) {
      // Undefined fields become null so that every log line has the same keys.
      const entry = { ...record, directive: record.directive ?? null, body: record.body ?? null };
      const line = `${JSON.stringify(entry)}\n`;
      const logFile = this.logFile;
      this.pendingLogWrite = this.pendingLogWrite
        .then(() => appendFile(logFile, line))
        .catch((error: unknown) => this.reportLogFailure(error));
    }
  }

  waitFor(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs = defaultWaitTimeoutMs,
  ): Promise<RecordedRequest> {
    const existing = this.requests.find(predicate);
    if (existing) {
      return Promise.resolve(existing);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const seen = this.requests.map((request) => `${request.method} ${request.path}`);
          reject(
            new Error(
              `No matching request within ${timeoutMs} ms; received ${seen.length}: ${seen.join(', ')}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending waiter (the server is closing) and waits for log writes. */
  async shutDown(): Promise<void> {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('The scripted model server was closed'));
    }
    this.waiters.clear();
    await this.pendingLogWrite;
  }

  private wakeWaiters(): void {
    for (const waiter of this.waiters) {
      const match = this.requests.find(waiter.predicate);
      if (match) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(match);
      }
    }
  }

  private reportLogFailure(error: unknown): void {
    if (!this.logFailureReported) {
      this.logFailureReported = true;
      process.stderr.write(
        `scripted model server: cannot write the request log: ${String(error)}\n`,
      );
    }
  }
}
