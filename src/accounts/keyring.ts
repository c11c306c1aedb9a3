// Credentials at rest: AES-256-GCM (node:crypto) under keys from ROLLCALL_ENCRYPTION_KEY. The first key
// encrypts, every key decrypts; each ciphertext is stored with the id of its key, so keys can rotate.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { StoreError, StoreStartError } from './errors.js';

export interface Sealed {
  keyId: string;
  /** base64 of iv (12 bytes) ‖ auth tag (16 bytes) ‖ ciphertext. */
  ciphertext: string;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export class Keyring {
  private constructor(private readonly keys: ReadonlyMap<string, Buffer>, readonly currentId: string | undefined) {}

  /**
   * `ROLLCALL_ENCRYPTION_KEY`: one or more comma-separated keys, each 32 bytes in base64 (or base64url),
   * optionally named `id:key`. An unnamed key's id is a short fingerprint of it, so the same key always
   * gets the same id. Messages never repeat a key.
   */
  static parse(raw: string | undefined): Keyring {
    const keys = new Map<string, Buffer>();
    let current: string | undefined;
    const entries = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    entries.forEach((entry, i) => {
      const colon = entry.indexOf(':');
      const named = colon >= 0 ? entry.slice(0, colon) : undefined;
      const material = colon >= 0 ? entry.slice(colon + 1) : entry;
      // Node's base64 decoder reads base64url too.
      const key = B64.test(material) ? Buffer.from(material, 'base64') : undefined;
      if (!key || key.length !== 32)
        throw new StoreStartError(`ROLLCALL_ENCRYPTION_KEY: key #${i + 1}${named ? ` ("${named}")` : ''} is not 32 bytes of base64 (make one with: openssl rand -base64 32)`);
      if (named !== undefined && !KEY_ID.test(named)) throw new StoreStartError(`ROLLCALL_ENCRYPTION_KEY: key id #${i + 1} must be 1-32 letters, digits, ".", "_" or "-"`);
      const id = named ?? `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
      if (keys.has(id)) throw new StoreStartError(`ROLLCALL_ENCRYPTION_KEY: key id "${id}" appears twice`);
      keys.set(id, key);
      current ??= id;
    });
    return new Keyring(keys, current);
  }

  /** A keyring with one fresh random key (demo mode and tests). */
  static random(): Keyring {
    return Keyring.parse(`demo:${randomBytes(32).toString('base64')}`);
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }

  /** `aad` binds the ciphertext to its row (the account id), so a ciphertext copied to another row fails to open. */
  seal(plaintext: string, aad: string): Sealed {
    const keyId = this.currentId;
    if (!keyId) throw new StoreError('ENCRYPTION_KEY_MISSING', 'Set ROLLCALL_ENCRYPTION_KEY (32 bytes, base64: openssl rand -base64 32) to store credentials.');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(keyId)!, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64') };
  }

  /** Throws KeyringError when the key is unknown or does not authenticate the ciphertext. */
  open(sealed: Sealed, aad: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new KeyringError('unknown-key', sealed.keyId);
    const buf = Buffer.from(sealed.ciphertext, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyringError('wrong-key', sealed.keyId);
    }
  }
}

export class KeyringError extends Error {
  constructor(readonly reason: 'unknown-key' | 'wrong-key', readonly keyId: string) {
    super(reason === 'unknown-key' ? `no key "${keyId}" in ROLLCALL_ENCRYPTION_KEY` : `key "${keyId}" does not decrypt the stored credentials (wrong key or altered row)`);
  }
}
