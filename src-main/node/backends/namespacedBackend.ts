/**
 * namespacedBackend — puts a backend that mints local ids (`vm-3`) behind a namespace (`sim2:vm-3`), so
 * it can stand beside the default backend without two entities sharing an id: ids in requests lose the
 * namespace on the way in; ids in answers and events gain it on the way out.
 *
 * - `namespacedBackend(namespace, inner)` → a `Backend` whose `namespace` is `namespace`.
 *
 * Rules: a request naming an id of another backend is refused here with E_NOT_FOUND (the inner backend
 * would read a local id as its own); ids are found by the contract's key rule (`contractIds.ts`), so
 * names, messages and counter names pass untouched. Use: a second simulated engine (tests, or two labs
 * side by side); a real-host backend may mint namespaced ids itself instead.
 */
import { apiError } from '@shared/api/errors';
import { localIdOf, namespaceOfId, NAMESPACE_PATTERN, withNamespace } from '@shared/model/ids';
import type { Backend } from './backend';
import { forEachId, mapIds } from './contractIds';

export function namespacedBackend(namespace: string, inner: Backend): Backend {
  if (!NAMESPACE_PATTERN.test(namespace)) throw new Error(`invalid backend namespace "${namespace}" (a lower-case letter, then up to 15 letters or digits)`);
  if (inner.namespace !== '') throw new Error('namespacedBackend wraps a backend with local ids');
  const outward = <T>(value: T): T => mapIds(value, (id) => (namespaceOfId(id) === '' ? withNamespace(namespace, id) : id));
  return {
    namespace,
    async request(message) {
      let foreign: { id: string; field: string } | undefined;
      forEachId(message.params, (id, field) => { if (!foreign && namespaceOfId(id) !== namespace) foreign = { id, field }; });
      if (foreign) return { id: message.id, ok: false, error: apiError('E_NOT_FOUND', `${foreign.id} is not an entity of backend "${namespace}"`, foreign.field) };
      const params = mapIds(message.params, (id) => localIdOf(id));
      const reply = await inner.request({ ...message, params });
      return reply.ok ? { ...reply, result: outward(reply.result) } : reply;
    },
    onEvent: (listener) => inner.onEvent((event) => listener(outward(event))),
    close: () => inner.close(),
  };
}
