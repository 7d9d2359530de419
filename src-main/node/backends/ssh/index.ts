/**
 * SSH to real hosts: one reused, verified connection per host (`sshConnection.ts`, the only importer of
 * node-ssh/ssh2), the lab's known-hosts file (`knownHosts.ts`), and argument-vector quoting
 * (`shellQuote.ts`). Used by the libvirt backend and `hvlab host probe ssh://…`.
 */
export { commandLine, shellQuote } from './shellQuote';
export { KnownHosts, fingerprintOf, keyTypeOf, hostPatternOf } from './knownHosts';
export type { HostKeyCheck, KnownKey } from './knownHosts';
export { SshConnection, SshError, scanHostKey, SSH_DEFAULTS } from './sshConnection';
export type { SshAuth, HostKeyPolicy, SshOptions, SshErrorKind, ConnectionState, ExecResult, RemoteProcess } from './sshConnection';
