/**
 * Seals and opens a connection's secrets with the data dir's key. Each value is bound to its
 * connection and field (associated data), so values moved between rows or fields do not open.
 * Errors name the connection and the key's source, never a secret.
 */
import { RunwireError } from '../../core/errors.js';
import { open, seal, SecretOpenError, type SecretKey } from '../secret-box.js';
import {
  SECRET_FIELDS,
  type ConnectionRecord,
  type OpenSecrets,
  type SealedSecrets,
  type SecretField,
} from './model.js';
import { SECRET_KEY_ENV } from './secret-key.js';

const aadOf = (name: string, field: SecretField): string => `runwire/slack_connection/${name}/${field}`;

export class ConnectionVault {
  constructor(private readonly key: SecretKey) {}

  /** Seal every defined value of `secrets`, keeping other sealed values of `into` as they are. */
  seal(name: string, secrets: OpenSecrets, into: SealedSecrets = {}): SealedSecrets {
    const out: SealedSecrets = { ...into };
    for (const field of SECRET_FIELDS) {
      const v = secrets[field];
      if (v !== undefined) out[field] = seal(this.key, v, aadOf(name, field));
    }
    return out;
  }

  /** Open all sealed values of a record. */
  open(rec: ConnectionRecord): OpenSecrets {
    const out: OpenSecrets = {};
    for (const field of SECRET_FIELDS) {
      const sealed = rec.sealed[field];
      if (sealed === undefined) continue;
      try {
        out[field] = open(this.key, sealed, aadOf(rec.name, field));
      } catch (err) {
        throw this.explain(rec.name, err);
      }
    }
    return out;
  }

  private explain(name: string, err: unknown): RunwireError {
    const source = this.key.source === SECRET_KEY_ENV ? SECRET_KEY_ENV : `the key file ${this.key.source}`;
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
