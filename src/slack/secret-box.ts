/**
 * Authenticated encryption for connection secrets at rest: AES-256-GCM with a random 12-byte IV per
 * value. The sealed form is a self-describing string,
 *
 *   `rw1.<keyId>.<iv>.<ciphertext>.<tag>`   (base64url parts)
 *
 * where `keyId` is a short fingerprint of the key. Carrying it lets a wrong key be named as such
 * ("the key differs") instead of surfacing as a bare authentication failure, and leaves room for key
 * rotation later (several keys, pick by id). The caller passes associated data (connection name and
 * field) so a sealed value copied onto another row or field fails to open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { redactUrlCredentials } from '../core/redact.js';

const VERSION = 'rw1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte AES key with its public fingerprint. */
export interface SecretKey {
  /** 8 hex characters of SHA-256 over the key: identifies it, reveals nothing usable. */
  readonly id: string;
  readonly bytes: Buffer;
  /** Where the key came from, for error messages: `RUNWIRE_SECRET_KEY` or the key file's path. */
  readonly source: string;
}

/** Why a sealed value could not be opened. */
export type OpenFailure = 'wrong_key' | 'tampered' | 'malformed';

export class SecretOpenError extends Error {
  constructor(
    readonly reason: OpenFailure,
    readonly sealedKeyId?: string,
  ) {
    super(`cannot open sealed secret: ${reason}`);
    this.name = 'SecretOpenError';
  }
}

/** Make a SecretKey from 32 raw bytes. */
export function secretKeyFromBytes(bytes: Buffer, source: string): SecretKey {
  if (bytes.length !== 32) throw new Error(`a secret key must be 32 bytes, got ${bytes.length}`);
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  return { id, bytes: Buffer.from(bytes), source };
}

/** Encrypt `plaintext` under `key`, binding it to `aad` (e.g. `connection:ops:bot_token`). */
export function seal(key: SecretKey, plaintext: string, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, key.id, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');
}

/** The key id a sealed value was made with, or undefined when it is not a sealed value. */
export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
}

/** Decrypt a value made by `seal`; throws SecretOpenError on a wrong key, tampering or garbage. */
export function open(key: SecretKey, sealed: string, aad: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretOpenError('malformed');
  const [, keyId, ivB64, ctB64, tagB64] = parts as [string, string, string, string, string];
  if (keyId !== key.id) throw new SecretOpenError('wrong_key', keyId);
  const iv = Buffer.from(ivB64, 'base64url');
  const tag = Buffer.from(tagB64, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretOpenError('malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // GCM authentication failed: the ciphertext, IV, tag or associated data was altered.
    throw new SecretOpenError('tampered', keyId);
  }
}

/**
 * Show a secret without revealing it: a recognisable prefix and the last 4 characters,
 * `xoxb-…a1b2`. URLs keep their origin only (`https://hooks.slack.com/…wxyz`). Short or empty
 * values are fully hidden.
 */
export function maskSecret(secret: string | undefined | null): string {
  if (!secret) return '';
  if (secret.length < 12) return '…';
  const tail = secret.slice(-4);
  const url = /^(https?:\/\/[^/]+)\//i.exec(secret);
  if (url) return `${url[1]}/…${tail}`;
  const prefix = /^(xox[a-z]-|xapp-|xoxe\.xox[a-z]-|xoxe-)/i.exec(secret);
  return `${prefix ? prefix[1] : ''}…${tail}`;
}

/** Field names whose values are secrets wherever they appear (form bodies, JSON, query strings). */
const SECRET_KEYS = 'client_secret|refresh_token|access_token|token|code|signing_secret|app_token|secret';

/**
 * Replace anything that looks like a Slack token or webhook URL in free text by its mask, and the
 * value of any `client_secret=…` / `"refresh_token":"…"` style field, and the credentials of any URL.
 */
export function redactSecrets(text: string): string {
  return redactUrlCredentials(text)
    .replace(
      new RegExp(`\\b(${SECRET_KEYS})=([^&\\s"']+)`, 'gi'),
      (_m, k: string, v: string) => `${k}=${maskSecret(v)}`,
    )
    .replace(
      new RegExp(`"(${SECRET_KEYS})"\\s*:\\s*"([^"]*)"`, 'gi'),
      (_m, k: string, v: string) => `"${k}":"${maskSecret(v)}"`,
    )
    .replace(/https?:\/\/[^\s"'/]+\/services\/[A-Za-z0-9/_-]+/g, (m) => maskSecret(m))
    .replace(/\b(?:xoxe\.)?(?:xox[a-z]|xapp|xoxe)-[A-Za-z0-9-]+/g, (m) => maskSecret(m));
}
