// @vitest-environment happy-dom
// The Web Console sends what is typed on its screen (keys batched into one `vm.console.send`, Enter as a
// newline, Backspace as 0x08) and shows the guest's answer as a terminal would: the line editor's erase
// sequence "\b \b" takes the character back.
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import VmConsole from '@renderer/components/console/VmConsole.vue';
import { appendChunk, withBackspaces } from '@renderer/stores/consoles';
import { fakeApi, flush, makeInventory } from './fakeApi';

const BANNER = 'labos: 16384 KiB RAM, running idle\nlabos$ ';

async function mountConsole() {
  const api = fakeApi({
    'inventory.get': () => makeInventory(1),
    'vm.console.read': () => ({ text: BANNER, nextOffset: BANNER.length }),
  });
  api.commandResults['vm.console.send'] = () => ({ ok: true });
  setApiForTests(api);
  const pinia = createPinia();
  setActivePinia(pinia);
  const w = mount(VmConsole, { props: { vmId: 'vm-1' }, global: { plugins: [pinia], stubs: { teleport: true } } });
  await flush();
  await nextTick();
  return { w, api };
}

describe('Web Console input', () => {
  it('keys typed on the screen go to the guest: "ps", Backspace, Enter', async () => {
    const { w, api } = await mountConsole();
    const screen = w.get('[data-testid=console-output]');
    expect(screen.text()).toContain('labos$');
    for (const key of ['p', 'x', 'Backspace', 's', 'Enter']) await screen.trigger('keydown', { key });
    await new Promise((r) => setTimeout(r, 80)); // the component batches keys for 40 ms
    await flush();
    const sends = api.commands.filter((c) => c.name === 'vm.console.send');
    expect(sends).toEqual([{ name: 'vm.console.send', params: { vmId: 'vm-1', text: 'px\bs\n' } }]);
    // modifier chords and keys with no character are not sent
    await screen.trigger('keydown', { key: 'c', ctrlKey: true });
    await screen.trigger('keydown', { key: 'ArrowUp' });
    await new Promise((r) => setTimeout(r, 80));
    expect(api.commands.filter((c) => c.name === 'vm.console.send')).toHaveLength(1);
    w.unmount();
  });

  it('the guest\'s echo with its erase sequence and answer reads as on a terminal', async () => {
    const { w, api } = await mountConsole();
    const echo = 'px\b \bs\n  PID STATE\n    1 sleeping idle\nlabos$ ';
    api.emit({ type: 'console.output', vmId: 'vm-1', offset: BANNER.length, text: echo } as never);
    await nextTick();
    const text = w.get('[data-testid=console-output]').text();
    expect(text).toContain('labos$ ps\n  PID STATE\n    1 sleeping idle\nlabos$');
    expect(text).not.toContain('\b');
    w.unmount();
  });
});

describe('withBackspaces / appendChunk', () => {
  it('a backspace takes back one character of its line, never a line break', () => {
    expect(withBackspaces('ab', 'c\b\bd')).toBe('ad');
    expect(withBackspaces('line\n', '\bx')).toBe('line\nx');
    expect(withBackspaces('', '\b\bok')).toBe('ok');
    expect(withBackspaces('ab', 'cd')).toBe('abcd');
  });
  it('offsets count the guest\'s bytes, backspaces included', () => {
    const b = appendChunk({ text: 'ab', nextOffset: 2, loading: false }, 2, 'c\b \b');
    expect(b).toEqual({ text: 'ab', nextOffset: 6, loading: false });
  });
});
