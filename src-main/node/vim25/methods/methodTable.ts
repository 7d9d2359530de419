/**
 * The shape of a vim25 method handler and what it is given.
 *
 * - `MethodDef`: `{ on: [types of _this], public?, run(call) }`; `public` methods need no session (the
 *   version handshake's RetrieveServiceContent, Login, CurrentTime).
 * - `Call`: the endpoint, the caller's session, the request's World, the arguments, `_this`, the client.
 * - `runCommand(call, name, params, faultCtx)`: a lab command run as the session's user (the initiator
 *   recorded on the lab's tasks), its typed errors turned into vSphere faults.
 */
import { ApiException } from '@shared/api/errors';
import type { VimValue } from '../vimValues';
import type { Arg } from '../soapArgs';
import type { Session } from '../sessionManager';
import type { World } from '../vimWorld';
import type { FaultContext } from '../faults';
import { faultFromApiError } from '../faults';
import type { Vim25Service } from '../vimService';

export interface Call {
  svc: Vim25Service;
  session?: Session;
  world: World;
  args: Arg;
  self: { type: string; id: string };
  client: { ip: string; userAgent: string };
  setCookie(value: string): void;
}

export type MethodResult = VimValue | VimValue[] | undefined;

export interface MethodDef {
  on: string[];
  public?: boolean;
  run(call: Call): Promise<MethodResult>;
}

export type MethodTable = Record<string, MethodDef>;

export async function runCommand<T = unknown>(call: Call, name: string, params: Record<string, unknown>, ctx?: Partial<FaultContext>): Promise<T> {
  try {
    return await call.svc.link.request<T>(name, params, call.session?.userName);
  } catch (e) {
    if (e instanceof ApiException) throw faultFromApiError(e.error, { thisType: call.self.type, thisId: call.self.id, ...ctx });
    throw e;
  }
}
