/**
 * A small server-sent-events writer shared by the dialects: optional pauses between events,
 * and it stops quietly once the client has gone away.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export class ServerSentEventWriter {
  private readonly clientGone = new AbortController();
  private eventsSent = 0;

  constructor(
    private readonly response: ServerResponse,
    private readonly delayBetweenEventsMs = 0,
  ) {
    response.once('close', () => this.clientGone.abort());
  }

  /** True while the response can still be written to. */
  isOpen(): boolean {
    return !this.response.destroyed && !this.response.writableEnded;
  }

  /** Sends the status line and SSE headers right away. */
  start(extraHeaders: Record<string, string> = {}): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...extraHeaders,
    });
    this.response.flushHeaders();
  }

  /** Sends `event: <name>` (when given) and `data: <JSON>`; false when the client is gone. */
  async send(eventName: string | undefined, data: unknown): Promise<boolean> {
    return this.sendRaw(eventName, JSON.stringify(data));
  }

  /** Sends each item as `data: <JSON>`, in order; false when the client left on the way. */
  async sendAll(items: readonly unknown[]): Promise<boolean> {
    for (const item of items) {
      if (!(await this.send(undefined, item))) {
        return false;
      }
    }
    return true;
  }

  /** Like send(), but the data line is written as given (for sentinels such as `[DONE]`). */
  async sendRaw(eventName: string | undefined, data: string): Promise<boolean> {
    if (this.eventsSent > 0 && !(await this.pause(this.delayBetweenEventsMs))) {
      return false;
    }
    if (!this.isOpen()) {
      return false;
    }
    const eventLine = eventName === undefined ? '' : `event: ${eventName}\n`;
    this.response.write(`${eventLine}data: ${data}\n\n`);
    this.eventsSent += 1;
    return true;
  }

  /** Waits, unless the client leaves first; false when it left. */
  async pause(milliseconds: number): Promise<boolean> {
    if (milliseconds > 0) {
      try {
        await sleep(milliseconds, undefined, { signal: this.clientGone.signal });
      } catch {
        return false;
      }
    }
    return this.isOpen();
  }

  end(): void {
    if (this.isOpen()) {
      this.response.end();
    }
  }
}
