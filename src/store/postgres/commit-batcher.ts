/**
 * Group commit for holder writes on PostgreSQL. A worker drives many runs at once and each of their
 * steps is one `runwire_commit` round trip and one durable transaction (a WAL flush). When as many
 * writes as `maxInFlight` are already on their way, the writes that arrive meanwhile wait and go
 * together in the next call: one round trip and one transaction for all of them, each still fenced on
 * its own (a lost lease refuses that write only). An idle worker sends each write at once, so a lone
 * run waits for nothing; a busy one sends fewer, larger transactions instead of more round trips.
 *
 * Every caller is answered only once its write is committed (durable), as before. A batch the server
 * refuses as a whole (a bad value in one write, a deadlock) wrote nothing and is retried one write at
 * a time, so each caller gets its own answer or its own error, exactly as without batching; a batch
 * with no answer (the connection dropped: it may have committed) fails every caller, as one write would.
 */

export interface CommitBatcherOptions<T> {
  /** Writes sent at once without waiting for each other (their own round trips). */
  maxInFlight: number;
  /** Most writes in one batch. */
  maxBatch: number;
  /** Write one: true when committed, false when its fence refused it. */
  one(item: T): Promise<boolean>;
  /** Write several in one transaction, in the order given: one answer each, in that order. */
  many(items: T[]): Promise<boolean[]>;
  /** Orders a batch (PostgreSQL: by run id, so concurrent batches lock rows in one order). */
  key(item: T): string;
}

interface Pending<T> {
  item: T;
  resolve(ok: boolean): void;
  reject(err: unknown): void;
}

export class CommitBatcher<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;

  constructor(private readonly o: CommitBatcherOptions<T>) {}

  /** Commit `item` (alone or with others); resolves once it is committed. */
  write(item: T): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.o.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.o.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(batch: Pending<T>[]): Promise<void> {
    if (batch.length === 1) {
      const [p] = batch as [Pending<T>];
      await this.o.one(p.item).then(p.resolve, p.reject);
      return;
    }
    // A stable sort: two writes of one run (never sent at once by one executor) keep their order.
    const key = this.o.key;
    const sorted = batch
      .map((p, i) => ({ p, i, k: key(p.item) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
      .map((x) => x.p);
    let answers: boolean[];
    try {
      answers = await this.o.many(sorted.map((p) => p.item));
    } catch (err) {
      if (!refusedWhole(err)) {
        // No answer (the connection dropped): it may have committed, so nothing is written again.
        for (const p of sorted) p.reject(err);
        return;
      }
      // The server refused the batch, so it wrote nothing (one transaction): each write on its own,
      // each with its own answer or error.
      for (const p of sorted) await this.o.one(p.item).then(p.resolve, p.reject);
      return;
    }
    if (answers.length !== sorted.length) {
      const err = new Error(`a batch of ${sorted.length} commits answered ${answers.length} times`);
      for (const p of sorted) p.reject(err);
      return;
    }
    for (const [i, p] of sorted.entries()) p.resolve(answers[i] === true);
  }
}

/** The server answered the statement with an error (a SQLSTATE): its transaction rolled back whole. */
function refusedWhole(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08');
}
