// Where flow state lives: in the interaction's own document, so one read serves the interaction and its flow, and
// every instance sees what another one stored (no copy in a process may answer for a flow another has moved on).
import type { PayloadStore } from '../models/stores/payloads.js';
import { flowStateSchema, type FlowState } from './state.js';

export function createFlowStore(payloads: PayloadStore) {
  const key = (uid: string) => `Interaction:${uid}`;
  return {
    /** The state as stored with the interaction; undefined for an unknown, expired or unreadable one. */
    async load(uid: string, opts: { fresh?: boolean } = {}): Promise<FlowState | undefined> {
      const doc = await payloads.get(key(uid), opts);
      if (!doc?.flow) return undefined;
      const parsed = flowStateSchema.safeParse(JSON.parse(doc.flow));
      return parsed.success ? parsed.data : undefined;
    },
    /**
     * Saves with this request's other writes; accountId lets an account-wide revocation end sign-ins in progress.
     * `initial`: made with the interaction, in the same write (else only an interaction that is there is changed).
     */
    async save(state: FlowState, opts: { initial?: boolean } = {}): Promise<void> {
      await payloads.set(key(state.uid), { flow: JSON.stringify(state), accountId: state.userId ?? null }, { mustExist: !opts.initial });
    },
    async remove(uid: string): Promise<void> {
      await payloads.set(key(uid), { flow: null }, { mustExist: true });
    },
  };
}

export type FlowStore = ReturnType<typeof createFlowStore>;
