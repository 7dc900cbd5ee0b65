/**
 * Seals and opens a connection's secrets with the data dir's key. Each value is bound to its
 * connection and field (associated data), so values moved between rows or fields do not open.
 * Errors name the connection and the key's source, never a secret.
 */
import { RunwireError } from '../../core/errors.js';
import { open, seal, SecretOpenError, sealedKeyId, type SecretKey } from '../secret-box.js';
import {
  SECRET_FIELDS,
  type ConnectionRecord,
  type OpenSecrets,
  type SealedSecrets,
  type SecretField,
} from './model.js';
import { describeKeySource, SECRET_KEY_ENV, type SealedInventory } from './secret-key.js';

const aadOf = (name: string, field: SecretField): string => `runwire/slack_connection/${name}/${field}`;

/** Where the vault's key comes from: opening never creates one; sealing may, into an empty data dir. */
export interface SecretKeySource {
  existing(keyId?: string): SecretKey;
  forSealing(sealed: SealedInventory): SecretKey;
}

/** What is sealed in these records (the inventory a key source needs before it may create a key). */
export function inventoryOf(records: readonly ConnectionRecord[]): SealedInventory {
  const held = records.filter((r) => Object.keys(r.sealed).length > 0);
  const keyIds = new Set<string>();
  for (const r of held) for (const v of Object.values(r.sealed)) keyIds.add(sealedKeyId(v ?? '') ?? '?');
  return { names: held.map((r) => r.name), keyIds: [...keyIds] };
}

export class ConnectionVault {
  private readonly keys: SecretKeySource;
  private sealKey: SecretKey | undefined;

  constructor(key: SecretKey | SecretKeySource) {
    this.keys = 'bytes' in key ? { existing: () => key, forSealing: () => key } : key;
  }

  /**
   * Make the key to seal with ready, before `seal` (which is synchronous, to run inside a store
   * transaction). A key is created only when nothing is sealed yet; and a key other than the one the
   * stored secrets use is refused, so one database never needs two keys.
   */
  async readyToSeal(records: () => Promise<ConnectionRecord[]>): Promise<void> {
    if (this.sealKey) return;
    const inv = inventoryOf(await records());
    const key = this.keys.forSealing(inv);
    const others = inv.keyIds.filter((id) => id !== key.id);
    if (others.length > 0) {
      throw new RunwireError(
        'runwire.secret_key.mismatch',
        `cannot store a secret with ${describeKeySource(key.source)} (key id ${key.id}): connection(s) ${inv.names.join(', ')} hold secrets sealed with another key (id ${others.join(', ')}), and one database must not need two keys`,
        {
          fix: `set ${SECRET_KEY_ENV} to the key used when the connections were stored (or restore that data dir's secret.key)`,
        },
      );
    }
    this.sealKey = key;
  }

  /** Seal every defined value of `secrets`, keeping other sealed values of `into` as they are. */
  seal(name: string, secrets: OpenSecrets, into: SealedSecrets = {}): SealedSecrets {
    if (!this.sealKey) throw new Error('ConnectionVault.seal before readyToSeal');
    const out: SealedSecrets = { ...into };
    for (const field of SECRET_FIELDS) {
      const v = secrets[field];
      if (v !== undefined) out[field] = seal(this.sealKey, v, aadOf(name, field));
    }
    return out;
  }

  /** Open all sealed values of a record (a record with none needs no key). */
  open(rec: ConnectionRecord): OpenSecrets {
    const out: OpenSecrets = {};
    for (const field of SECRET_FIELDS) {
      const sealed = rec.sealed[field];
      if (sealed === undefined) continue;
      let key: SecretKey;
      try {
        key = this.keys.existing(sealedKeyId(sealed));
      } catch (err) {
        if (err instanceof RunwireError)
          throw new RunwireError(err.code, `cannot decrypt connection ${rec.name}: ${err.message}`, {
            ...(err.fix ? { fix: err.fix } : {}),
          });
        throw err;
      }
      try {
        out[field] = open(key, sealed, aadOf(rec.name, field));
      } catch (err) {
        throw this.explain(rec.name, key, err);
      }
    }
    return out;
  }

  private explain(name: string, key: SecretKey, err: unknown): RunwireError {
    const source = describeKeySource(key.source);
    if (err instanceof SecretOpenError && err.reason === 'wrong_key') {
      return new RunwireError(
        'runwire.secret_key.mismatch',
        `cannot decrypt connection ${name}: ${source} differs from the one used to store it`,
        {
          fix: `set ${SECRET_KEY_ENV} to the key used when the connection was stored (or restore that data dir's secret.key), or remove and re-add the connection`,
        },
      );
    }
    return new RunwireError(
      'runwire.secret_key.tampered',
      `cannot decrypt connection ${name}: its stored secrets were altered or damaged`,
      {
        fix: `remove and re-add the connection: runwire connection remove ${name}`,
      },
    );
  }
}
