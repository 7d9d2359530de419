/**
 * Add Host's form logic, apart from the wizard's markup: the steps, what each step checks before Next,
 * which step owns a field, and a refusal from the lab (`host.identify`, `host.add`) turned into a message
 * beside the field it names, in the user's words.
 *
 * - `ADD_HOST_STEPS`, `AddHostStep`; `AddHostForm` (what the user typed; the password only travels in it
 *   to `host.add` and is never kept by any store).
 * - `validateAddHostStep(step, form, identity?)` → `{ [field]: message }` (empty when the step may go on).
 * - `stepOfField(field)` → the step showing that field; `addHostFieldError(error)` → `{ field, message }`.
 * - `addHostRequest(form, identity, locationId?)` → the `host.add` parameters (`locationId`: where the
 *   wizard was opened, the target of the lab's Add host task).
 *
 * Rule: the checks mirror the contract's schema (`host.add`), so what passes here is refused only by
 * the host itself (unreachable, credentials, identity), and that refusal lands at its field too.
 */
import type { CommandParams } from '@shared/api/commands';
import type { ApiError } from '@shared/api/errors';
import type { HostIdentityDto, RealHostAuthMethod, RealHostKind } from '@shared/model/realHosts';
import { fieldOfApiError } from './vmValidation';

export const ADD_HOST_STEPS = [
  { key: 'name', label: 'Name and location' },
  { key: 'connection', label: 'Connection settings' },
  { key: 'security', label: 'Host summary' },
  { key: 'ready', label: 'Ready to complete' },
] as const;
export type AddHostStep = (typeof ADD_HOST_STEPS)[number]['key'];

export interface AddHostForm {
  kind: RealHostKind;
  address: string;
  port: number;
  name: string;
  user: string;
  authMethod: RealHostAuthMethod;
  keyPath: string;
  password: string;
  libvirtUri: string;
}

export const DEFAULT_PORTS: Record<RealHostKind, number> = { libvirt: 22, vim25: 443 };

// The contract's own patterns for these fields (`host.add`, `host.identify`).
const ADDRESS = /^[A-Za-z0-9.:[\]_-]{1,253}$/;
const USER = /^[A-Za-z0-9._@\\-]{1,64}$/;
const LIBVIRT_URI = /^[a-z+]+:\/\/[A-Za-z0-9._/?=&-]*$/;

export function validateAddHostStep(step: AddHostStep, form: AddHostForm, identity?: HostIdentityDto, accepted = false): Record<string, string> {
  const e: Record<string, string> = {};
  if (step === 'name') {
    if (!ADDRESS.test(form.address.trim())) e.address = 'Enter the host\'s name or IP address (letters, digits, . - : [ ]).';
    if (!Number.isInteger(form.port) || form.port < 1 || form.port > 65_535) e.port = 'The port is a whole number from 1 to 65535.';
    if (form.name.trim().length > 80) e.name = 'The name is at most 80 characters.';
  }
  if (step === 'connection') {
    if (!USER.test(form.user)) e.user = 'Enter the user name (letters, digits, . _ @ \\ -).';
    if (form.kind === 'vim25' && form.authMethod !== 'password') e.authMethod = 'An ESXi host or vCenter is added with a user name and password.';
    if (form.authMethod === 'key' && !form.keyPath.trim()) e.keyPath = 'Enter the path of the private key file on the computer running the lab.';
    if (form.authMethod === 'password' && !form.password) e.password = 'Enter the password.';
    if (form.kind === 'libvirt' && form.libvirtUri.trim() && !LIBVIRT_URI.test(form.libvirtUri.trim())) {
      e.libvirtUri = 'A libvirt URI looks like qemu:///system (leave it empty for the host\'s default).';
    }
  }
  if (step === 'security') {
    if (!identity) e.acceptedIdentity = 'The host\'s identity has not been read yet.';
    else if (identity.status === 'changed') e.acceptedIdentity = 'The host presents another identity than the one the lab recorded: it cannot be added.';
    else if (identity.status === 'unknown' && !accepted) e.acceptedIdentity = 'Compare the fingerprint with the host\'s own, then accept it to go on.';
  }
  return e;
}

const FIELD_STEPS: Record<string, AddHostStep> = {
  kind: 'name', address: 'name', port: 'name', name: 'name',
  user: 'connection', authMethod: 'connection', keyPath: 'connection', password: 'connection', libvirtUri: 'connection',
  acceptedIdentity: 'security',
};

export function stepOfField(field: string): AddHostStep | undefined {
  return FIELD_STEPS[field];
}

/** What the lab's refusal means for the user, placed at the field it names (else at the form). */
export function addHostFieldError(error: ApiError): { field: string; message: string } {
  const f = fieldOfApiError(error);
  const field = f && FIELD_STEPS[f] ? f : 'form';
  const lead: Partial<Record<string, string>> = {
    address: error.code === 'E_DUPLICATE_NAME' ? '' : 'The lab could not connect to this host: ',
    keyPath: 'The host did not accept this key: ',
    password: 'The host did not accept this user name and password: ',
    authMethod: 'The host did not accept these credentials: ',
    acceptedIdentity: 'The host\'s identity is not the one you accepted: ',
  };
  return { field, message: `${lead[field] ?? ''}${error.message}` };
}

export function addHostRequest(form: AddHostForm, identity: HostIdentityDto, locationId?: string): CommandParams<'host.add'> {
  const auth = form.authMethod === 'key' ? { authMethod: 'key' as const, keyPath: form.keyPath.trim() }
    : form.authMethod === 'agent' ? { authMethod: 'agent' as const } : { authMethod: 'password' as const, password: form.password };
  return {
    ...(locationId ? { locationId: locationId as CommandParams<'host.add'>['locationId'] } : {}),
    kind: form.kind, address: form.address.trim(), port: form.port, user: form.user,
    ...(form.name.trim() ? { name: form.name.trim() } : {}), ...auth,
    ...(form.kind === 'libvirt' && form.libvirtUri.trim() ? { libvirtUri: form.libvirtUri.trim() } : {}),
    acceptedIdentity: identity.fingerprint ?? identity.thumbprint ?? '',
  };
}
