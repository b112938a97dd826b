// The MFA service's ports in memory, with an optional crash: the n-th write throws, as if the process died there.
import type { MfaState, MfaUserPort, RecoveryCodePort } from '../../src/services/mfa/index.js';
import type { Marker } from '../../src/services/throttle/guard.js';

export class Crash extends Error {}

export class MemoryMfa {
  state: MfaState = { storeId: 's1', enabled: false, mustEnrol: false, codesBatch: null, pendingNotice: null, credentials: [] };
  codes: Array<{ hash: string; batch: string; usedAt: Date | null }> = [];
  markers = new Set<string>();
  audits: string[] = [];
  mails: string[] = [];
  devicesRevoked = 0;
  writes = 0;
  private batches = 0;

  /** Throws instead of the write numbered `crashAt` (1-based); undefined: never. */
  constructor(public crashAt?: number) {}

  private write() {
    this.writes++;
    if (this.writes === this.crashAt) throw new Crash(`crash at write ${this.writes}`);
  }

  users: MfaUserPort = {
    mfaOf: async () => ({ ...this.state, credentials: this.state.credentials.map((c) => ({ ...c, data: { ...c.data } })) }),
    addCredential: async (_u, { add, drop, codesBatch }, notice) => {
      this.write();
      const credentials = [...this.state.credentials.filter((c) => !drop.includes(c.key)), add];
      Object.assign(this.state, { credentials, pendingNotice: notice }, codesBatch ? { enabled: true, mustEnrol: false, codesBatch } : {});
    },
    dropCredential: async (_u, key, notice) => {
      this.write();
      Object.assign(this.state, { credentials: this.state.credentials.filter((c) => c.key !== key), pendingNotice: notice });
    },
    updateCredential: async (_u, key, patch, onlyIf) => {
      this.write();
      const c = this.state.credentials.find((x) => x.key === key);
      if (!c || Object.entries(onlyIf ?? {}).some(([k, v]) => c.data[k] !== v)) return false;
      Object.assign(c, patch.name !== undefined ? { name: patch.name } : {}, patch.lastUsedAt ? { lastUsedAt: patch.lastUsedAt } : {});
      Object.assign(c.data, patch.data ?? {});
      return true;
    },
    useCodesBatch: async (_u, codesBatch, notice) => {
      this.write();
      Object.assign(this.state, { codesBatch, pendingNotice: notice });
    },
    noticeDone: async (_u, id) => {
      this.write();
      if (this.state.pendingNotice?.id === id) this.state.pendingNotice = null;
    },
    deactivate: async (_u, { mustEnrol }) => {
      this.write();
      Object.assign(this.state, { enabled: false, credentials: [], mustEnrol, codesBatch: null });
    },
    setMustEnrol: async (_u, mustEnrol) => {
      this.write();
      this.state.mustEnrol = mustEnrol;
    },
  };

  recovery: RecoveryCodePort = {
    insertBatch: async (_u, hashes) => {
      this.write();
      const batch = `b${++this.batches}`;
      for (const hash of hashes) this.codes.push({ hash, batch, usedAt: null });
      return batch;
    },
    dropOtherBatches: async (_u, keep) => {
      this.write();
      this.codes = this.codes.filter((c) => c.batch === keep);
    },
    consume: async (_u, hash, batch) => {
      const code = this.codes.find((c) => c.hash === hash && (!batch || c.batch === batch) && !c.usedAt);
      if (!code) return false;
      this.write();
      code.usedAt = new Date();
      return true;
    },
    remaining: async (_u, batch) => this.codes.filter((c) => (!batch || c.batch === batch) && !c.usedAt).length,
    clear: async () => {
      this.write();
      this.codes = [];
    },
  };

  once = async (key: string) => {
    this.write();
    if (this.markers.has(key)) return false;
    this.markers.add(key);
    return true;
  };

  claimInOrder = async (markers: Marker[]) => {
    this.write();
    let n = 0;
    for (const m of markers) {
      if (this.markers.has(m.key)) break;
      this.markers.add(m.key);
      n++;
    }
    return n;
  };

  revokeDevices = async () => {
    this.write();
    this.devicesRevoked++;
  };

  private keys = new Set<string>();
  // idempotent like the real stores: a repeated key is recorded once
  private keyed(key: string | undefined, kind: string) {
    if (!key) return true;
    if (this.keys.has(`${kind}:${key}`)) return false;
    this.keys.add(`${kind}:${key}`);
    return true;
  }

  audit = {
    record: async (e: { type: string; key?: string }) => {
      this.write();
      if (this.keyed(e.key, 'audit')) this.audits.push(e.type);
    },
  };

  notify = async (n: { type: string; key?: string }) => {
    this.write();
    if (this.keyed(n.key, 'mail')) this.mails.push(n.type);
  };
}
