/**
 * Real hosts in the contract: the kinds of real hypervisor the lab can add (a KVM host through libvirt
 * over SSH, an ESXi host or vCenter through vim25) and the identity a host presents before anything
 * secret is sent (Add Host's "Host summary" step, `host.identify`).
 *
 * - `REAL_HOST_KINDS`, `RealHostKind`; `REAL_HOST_AUTH_METHODS`.
 * - `HostIdentityDto`: an SSH host key (`keyType`, `fingerprint` as `SHA256:…`) or a TLS certificate
 *   (`thumbprint`, SHA-1 `AB:CD:…`), and whether the lab already trusts it (`known`), has never seen it
 *   (`unknown`: the user checks and accepts it), or recorded another one (`changed`: refused, with the
 *   recorded ones in `knownIdentities`).
 */
export const REAL_HOST_KINDS = ['libvirt', 'vim25'] as const;
export type RealHostKind = (typeof REAL_HOST_KINDS)[number];

export const REAL_HOST_AUTH_METHODS = ['key', 'agent', 'password'] as const;
export type RealHostAuthMethod = (typeof REAL_HOST_AUTH_METHODS)[number];

export interface HostIdentityDto {
  status: 'known' | 'unknown' | 'changed';
  keyType?: string;
  fingerprint?: string;
  thumbprint?: string;
  knownIdentities?: string[];
}
