// A fresh SSH key pair for tests, in OpenSSH format, that ssh2 can read back. ssh2's own generator
// (`utils.generateKeyPairSync`) now and then writes an ed25519 key its parser refuses ("Malformed
// OpenSSH private key"; about 1 in 200 here), which made the SSH tests fail at random. Interface:
// `sshKeyPair(type?)` → `{ private, public }`; it generates again until both halves parse (bounded).
import ssh2 from 'ssh2';

const { utils } = ssh2;

export function sshKeyPair(type: 'ed25519' | 'ecdsa' = 'ed25519'): { private: string; public: string } {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pair = type === 'ecdsa' ? utils.generateKeyPairSync('ecdsa', { bits: 256 }) : utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error(`ssh2 generated no readable ${type} key in 50 attempts`);
}
