// A host part transport over a real MessageChannel used synchronously (`LabOptions.hostPartTransport`):
// what the receiving port gets is a structured clone made by Node; `sent()` counts the parts.
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { HostPart, HostPartTransport } from '../../src-main/engine/vm/index';

export function channelTransport(): { send: HostPartTransport; sent: () => number; close: () => void } {
  const ch = new MessageChannel();
  let sent = 0;
  const send = <T extends HostPart>(part: T): T => {
    ch.port1.postMessage(part);
    const got = receiveMessageOnPort(ch.port2);
    assert.ok(got, 'the part arrived');
    sent++;
    return got.message as T;
  };
  return { send, sent: () => sent, close: () => { ch.port1.close(); ch.port2.close(); } };
}
