// Where flow state lives: in the interaction's own document (one read serves the interaction and its flow), and,
// until the first step stores anything, in this process too, so the first page needs no read at all.
import { LRUCache } from 'lru-cache';
import type { PayloadStore } from '../models/stores/payloads.js';
import { flowStateSchema, type FlowState } from './state.js';

const INITIAL_TTL_MS = 10 * 60_000;

export function createFlowStore(payloads: PayloadStore) {
  // states made at the authorization request and not changed since (by this process); any save drops the entry
  const initial = new LRUCache<string, { state: FlowState; shown: boolean }>({ max: 20_000, ttl: INITIAL_TTL_MS });
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
     * The state this process made for the interaction, while it has not changed it (no read). It is what every
     * instance would read until the first step is stored, so it serves the first page once, and the first
     * submission; a submission it does not fit (another instance moved on) must read the stored state.
     */
    unchanged(uid: string, use: 'page' | 'submit'): FlowState | undefined {
      const entry = initial.get(uid);
      if (!entry || (use === 'page' && entry.shown)) return undefined;
      if (use === 'page') entry.shown = true;
      return entry.state;
    },
    /** Saves with this request's other writes; accountId lets an account-wide revocation end sign-ins in progress. */
    async save(state: FlowState, opts: { initial?: boolean } = {}): Promise<void> {
      if (opts.initial) initial.set(state.uid, { state, shown: false });
      else initial.delete(state.uid);
      await payloads.set(key(state.uid), { flow: JSON.stringify(state), accountId: state.userId ?? null }, { mustExist: !opts.initial });
    },
    async remove(uid: string): Promise<void> {
      initial.delete(uid);
      await payloads.set(key(uid), { flow: null }, { mustExist: true });
    },
  };
}

export type FlowStore = ReturnType<typeof createFlowStore>;
