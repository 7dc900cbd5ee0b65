/**
 * Response URLs: where an app answers a click or a slash command. Slack's rules: each URL works for
 * 30 minutes and up to 5 times; it knows the channel, the person and (for a click) the message.
 */
import { randomBytes } from 'node:crypto';

/** What one response URL answers for. */
export interface ResponseTarget {
  channelId: string;
  userId: string;
  /** The message the click came from; none for a slash command. */
  messageTs?: string;
  createdAt: number;
  uses: number;
}

export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_MAX_USES = 5;

/** Issues and redeems response URLs; `now` is the workspace clock. */
export class ResponseUrls {
  private readonly targets = new Map<string, ResponseTarget>();

  constructor(private readonly now: () => number) {}

  /** A new id (the path segment after `/sandbox/response/`). */
  issue(target: Omit<ResponseTarget, 'createdAt' | 'uses'>): string {
    const id = randomBytes(16).toString('hex');
    this.targets.set(id, { ...target, createdAt: this.now(), uses: 0 });
    this.prune();
    return id;
  }

  /** Takes one use of a URL: the target, or why not (`not_found`, `expired_url`, `used_url`). */
  redeem(id: string): ResponseTarget | { error: 'not_found' | 'expired_url' | 'used_url' } {
    const t = this.targets.get(id);
    if (t === undefined) return { error: 'not_found' };
    if (this.now() - t.createdAt > RESPONSE_URL_TTL_MS) return { error: 'expired_url' };
    if (t.uses >= RESPONSE_URL_MAX_USES) return { error: 'used_url' };
    t.uses++;
    return t;
  }

  private prune(): void {
    const cutoff = this.now() - RESPONSE_URL_TTL_MS;
    for (const [id, t] of this.targets) if (t.createdAt < cutoff) this.targets.delete(id);
  }
}
