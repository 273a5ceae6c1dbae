/** An unbounded single-reader queue: items wait until read; reading ends after `end()`. */
export interface AsyncQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  end(): void;
}

export function createAsyncQueue<T>(): AsyncQueue<T> {
  const items: T[] = [];
  let hasEnded = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  return {
    push(item) {
      if (hasEnded) return;
      items.push(item);
      notify();
    },
    end() {
      hasEnded = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const item = items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (hasEnded) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
