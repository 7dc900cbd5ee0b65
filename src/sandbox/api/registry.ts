/**
 * The Web API method registry: each method's rate-limit tier, the scopes and token kinds it accepts,
 * the error codes it can answer, and its handler. One registry per sandbox instance, so extensions
 * (e.g. Socket Mode's `apps.connections.open`) register their methods without import-time state.
 */
import type { RateLimitConfig } from '../rate-limit.js';
import type { SandboxToken } from '../workspace-types.js';
import type { Workspace } from '../workspace.js';

/** Slack's rate-limit tiers; `special` methods have their own rules (chat.postMessage: per channel). */
export type MethodTier = 1 | 2 | 3 | 4 | 'special';

/**
 * Every error code a method can answer: its handler's declared ones plus those the dispatcher adds
 * (authentication, token kind, scopes, rate limits, unparsable bodies, sandbox failures). Pure; the
 * dispatcher refuses anything outside this list and the conformance test checks it against Slack's reference.
 */
export function possibleErrors(def: MethodDefinition): string[] {
  const out = new Set<string>(['invalid_form_data', 'fatal_error', ...def.errors]);
  if (def.auth !== false) {
    for (const e of ['not_authed', 'invalid_auth', 'token_revoked', 'token_expired', 'not_allowed_token_type'])
      out.add(e);
    if ((def.scopes?.bot?.length ?? 0) > 0 || (def.scopes?.user?.length ?? 0) > 0) out.add('missing_scope');
    if (def.tier !== 'special' || def.name === 'chat.postMessage') out.add('ratelimited');
  }
  return [...out];
}

/** A platform error: HTTP 200 `{ok:false, error, ...extra}`. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
    this.name = 'SlackApiError';
  }
}

/** Over a rate limit: HTTP 429 with `Retry-After` (whole seconds). */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('ratelimited');
    this.name = 'RateLimitedError';
  }
}

/** What a handler gets: arguments (normalised to strings or parsed JSON), the caller's token, the sandbox parts. */
export interface MethodCall {
  /** The method name, e.g. `chat.postMessage`. */
  method: string;
  args: Record<string, unknown>;
  /** The authenticated token; undefined only for methods with `auth: false`. */
  token: SandboxToken | undefined;
  workspace: Workspace;
  /** HTTP Basic credentials when sent (oauth.v2.access). */
  basicAuth?: { user: string; password: string };
  /** The sandbox's base URL, ending with `/`. */
  baseUrl: string;
  /** Charge one call to a named bucket (e.g. per channel); throws RateLimitedError when over. */
  rateLimit(key: string, rule: { perSecond: number; burst: number }): void;
  /** The sandbox's current rate-limit settings (read-only). */
  limits: Readonly<RateLimitConfig>;
  /** Sandbox-wide state extensions may hang things on (e.g. the OAuth grant store). */
  services: SandboxServices;
}

/** Named services shared between methods and routes of one sandbox (e.g. `oauth`). Extensions may add keys. */
export type SandboxServices = Record<string, unknown>;

export interface MethodDefinition {
  name: string;
  tier: MethodTier;
  /** Scopes of which the token needs at least one, per token kind (empty or absent: none needed). */
  scopes?: { bot?: string[]; user?: string[] };
  /** Token kinds allowed (default bot and user). */
  tokenKinds?: Array<SandboxToken['kind']>;
  /** false: no token needed (oauth.v2.access). */
  auth?: boolean;
  /** Method-specific error codes the handler may throw; checked against Slack's reference by the conformance test. */
  errors: string[];
  handler(call: MethodCall): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export class MethodRegistry {
  private readonly methods = new Map<string, MethodDefinition>();

  register(def: MethodDefinition): void {
    if (this.methods.has(def.name)) throw new Error(`sandbox method ${def.name} registered twice`);
    this.methods.set(def.name, def);
  }

  get(name: string): MethodDefinition | undefined {
    return this.methods.get(name);
  }

  list(): MethodDefinition[] {
    return [...this.methods.values()];
  }
}
