/**
 * secretStore — where the password of a real host lives, so that it is never written in clear: in the
 * Electron app it is sealed with the OS keychain through Electron's `safeStorage` (Keychain, DPAPI,
 * libsecret/kwallet) and only the sealed form is stored; in browser mode it is kept in this process's
 * memory for the session only, and a restarted server asks for it again.
 *
 * - `SecretStore`: `persistent` (whether a sealed secret survives a restart), `seal(plain)` → a token to
 *   keep, `open(token)` → the secret, `forget(token)`.
 * - `memorySecretStore()`: browser mode and the CLI; tokens are random handles, valid in this process.
 * - `sealedSecretStore(cipher)`: over an `encryptString`/`decryptString` pair (Electron's `safeStorage`,
 *   wired in `electron/`); tokens are `sealed:` + base64 of the ciphertext.
 *
 * Rule: no secret, sealed or not, is ever logged or sent to the renderer.
 */
import { randomBytes } from 'node:crypto';

export interface SecretStore {
  readonly persistent: boolean;
  seal(plain: string): string;
  open(token: string): string | undefined;
  forget(token: string): void;
}

export function memorySecretStore(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    persistent: false,
    seal(plain) {
      const token = `memory:${randomBytes(16).toString('hex')}`;
      secrets.set(token, plain);
      return token;
    },
    open: (token) => secrets.get(token),
    forget: (token) => { secrets.delete(token); },
  };
}

/** What Electron's `safeStorage` offers (kept structural so this module does not import electron). */
export interface StringCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

export function sealedSecretStore(cipher: StringCipher): SecretStore {
  if (!cipher.isEncryptionAvailable()) {
    // No keychain (e.g. Linux without a secret service): nothing may be stored in clear, so hold it in memory.
    return memorySecretStore();
  }
  return {
    persistent: true,
    seal: (plain) => `sealed:${cipher.encryptString(plain).toString('base64')}`,
    open(token) {
      if (!token.startsWith('sealed:')) return undefined;
      try {
        return cipher.decryptString(Buffer.from(token.slice('sealed:'.length), 'base64'));
      } catch {
        return undefined;
      }
    },
    forget: () => undefined,
  };
}
