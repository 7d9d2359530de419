/**
 * vSphere faults: a thrown `VimFault` becomes a SOAP fault whose `<detail>` carries the fault object
 * (`<InvalidPowerStateFault xsi:type="InvalidPowerState">…`), which SDK clients turn into typed
 * exceptions (pyvmomi `vim.fault.InvalidPowerState`, govmomi `types.InvalidPowerState`).
 *
 * - `new VimFault(type, message, fields?, faultCode?)`; helpers for the faults the endpoint raises.
 * - `faultFromApiError(error, context)`: the lab's typed errors mapped to vSphere's fault types.
 * - `localizedFault(fault)`: the `LocalizedMethodFault` of `TaskInfo.error`.
 *
 * Rule: a fault never carries internal details (stack traces, file paths); its message is the lab's
 * user-facing message.
 */
import type { ApiError } from '@shared/api/errors';
import type { VimValue } from './vimValues';
import { data, en, ref, str } from './vimValues';

export class VimFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly fields: Record<string, VimValue | VimValue[] | undefined> = {},
    /** `ClientFaultCode` for requests that are malformed, `ServerFaultCode` for everything else (as ESXi). */
    readonly faultCode: 'ServerFaultCode' | 'ClientFaultCode' = 'ServerFaultCode',
  ) {
    super(message);
    this.name = 'VimFault';
  }

  /** The fault as a data object (for `LocalizedMethodFault.fault` and the SOAP detail). */
  toData(): VimValue {
    return data(this.type, { faultMessage: undefined, ...this.fields });
  }
}

export const invalidRequest = (message: string) => new VimFault('InvalidRequest', message, {}, 'ClientFaultCode');
export const invalidArgument = (message: string, property?: string) =>
  new VimFault('InvalidArgument', message, { invalidProperty: property === undefined ? undefined : str(property) });
export const notAuthenticated = (object: VimValue) =>
  new VimFault('NotAuthenticated', 'The session is not authenticated.', { object, privilegeId: str('System.View') });
export const invalidLogin = () => new VimFault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.');
export const managedObjectNotFound = (type: string, id: string) =>
  new VimFault('ManagedObjectNotFound', `The object '${type}:${id}' has already been deleted or has not been completely created`, { obj: ref(type, id) });
export const methodNotFound = (receiverType: string, receiverId: string, method: string) =>
  new VimFault('MethodNotFound', `Method ${method} is not defined on ${receiverType}`, { receiver: ref(receiverType, receiverId), method: str(method) });
export const notSupported = (message: string) => new VimFault('NotSupported', message);
export const notImplemented = (message: string) => new VimFault('NotImplemented', message);
export const invalidProperty = (name: string) => new VimFault('InvalidProperty', `Invalid property: ${name}`, { name: str(name) });
export const invalidState = (message: string) => new VimFault('InvalidState', message);
export const invalidPowerState = (message: string, existing: string, requested?: string) =>
  new VimFault('InvalidPowerState', message, {
    requestedState: requested === undefined ? undefined : en('VirtualMachinePowerState', requested),
    existingState: en('VirtualMachinePowerState', existing),
  });
export const systemError = (message: string) => new VimFault('SystemError', message, { reason: str(message) });

export interface FaultContext {
  /** The object the method ran on (for ManagedObjectNotFound, DuplicateName). */
  thisType: string;
  thisId: string;
  /** The power state the operation needs, when a state error means "wrong power state". */
  powerState?: { existing: string; requested?: string };
  /** A name being set (DuplicateName / FileAlreadyExists). */
  name?: string;
  /** Whether a duplicate name is a file clash (create, clone) rather than a rename clash. */
  duplicateIsFile?: boolean;
}

/** The lab's typed errors in vSphere's terms. */
export function faultFromApiError(e: ApiError, ctx: FaultContext): VimFault {
  switch (e.code) {
    case 'E_INVALID_ARGUMENT':
    case 'E_SCENARIO':
      return invalidArgument(e.message, e.field);
    case 'E_NOT_FOUND':
      return new VimFault('ManagedObjectNotFound', e.message, { obj: ref(ctx.thisType, ctx.thisId) });
    case 'E_INVALID_STATE':
      if (ctx.powerState) return invalidPowerState(e.message, ctx.powerState.existing, ctx.powerState.requested);
      return invalidState(e.message);
    case 'E_DUPLICATE_NAME':
      if (ctx.duplicateIsFile) return new VimFault('FileAlreadyExists', e.message, { file: str(ctx.name ?? '') });
      return new VimFault('DuplicateName', e.message, { name: str(ctx.name ?? ''), object: ref(ctx.thisType, ctx.thisId) });
    case 'E_INSUFFICIENT_RESOURCES':
      return new VimFault('InsufficientResourcesFault', e.message);
    case 'E_CANCELLED':
      return new VimFault('RequestCanceled', e.message);
    case 'E_UNKNOWN_OPERATION':
      return notSupported(e.message);
    case 'E_GUEST_PROGRAM':
      return invalidState(e.message);
    default:
      return systemError(e.message);
  }
}

/** `LocalizedMethodFault` (TaskInfo.error). */
export function localizedFault(f: VimFault): VimValue {
  return data('LocalizedMethodFault', { fault: f.toData(), localizedMessage: str(f.message) });
}
