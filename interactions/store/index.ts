// Step "store": the user names their store by URL or domain prefix (S8 step 1).
import { z } from 'zod';
import { defineStep, handOn, rerender } from '../../src/flow/step.js';

// "https://MyStore.example-pos.com/x" -> "mystore"; a bare "mystore" stays as it is.
export function storePrefixFrom(input: string): string {
  const host = input.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').split(/[/?#]/)[0] ?? '';
  return host.split('.')[0] ?? '';
}

export const storeStep = defineStep({
  id: 'store',
  applies: (state) => !state.storeId,
  render: (state) => ({ template: 'store', view: { storePrefix: state.storePrefix ?? '' } }),
  input: z.object({ store: z.string().trim().min(1).max(253) }),
  async submit(input, _state, _facts, services) {
    const prefix = storePrefixFrom(input.store);
    const store = /^[a-z0-9][a-z0-9-]{0,62}$/.test(prefix) ? await services.users.storeByPrefix(prefix) : undefined;
    if (!store) return rerender('store_unknown', { patch: { storePrefix: prefix } });
    // nothing is stored for the store alone: the password page carries it (one less write per sign-in)
    return handOn({ storeId: store.id, storePrefix: store.prefix });
  },
  handsOn: true,
});
