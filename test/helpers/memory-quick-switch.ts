// Quick switching's port in memory (src/services/quick-switch/ports.ts): registers, the day's full sign-ins, PINs.
import type { QuickSwitchPort, RegisterRecord, RegisterSignIn } from '../../src/services/quick-switch/ports.js';

export class MemoryQuickSwitch implements QuickSwitchPort {
  readonly registerList: Array<RegisterRecord & { secretHash: string }> = [];
  readonly signIns = new Map<string, RegisterSignIn & { registerId: string }>();
  readonly pins = new Map<string, string>();
  readonly switches: Array<{ registerId: string; userId: string; authTime: number }> = [];
  readonly days = new Map<string, { country: string; timeZone: string | null; startHour: number }>();
  readonly owners = new Map<string, string>();

  private key = (registerId: string, userId: string) => `${registerId}:${userId}`;
  private plain = ({ secretHash: _, ...r }: RegisterRecord & { secretHash: string }): RegisterRecord => ({ ...r });

  async insertRegister(r: { storeId: string; name: string; secretHash: string; createdBy: string; createdAt: Date }) {
    const record = { ...r, id: `reg${this.registerList.length + 1}`, revokedAt: null, lastSeenAt: null };
    this.registerList.push(record);
    return this.plain(record);
  }
  async registerByHash(secretHash: string) {
    const r = this.registerList.find((x) => x.secretHash === secretHash);
    return r && this.plain(r);
  }
  async registers(storeId: string) {
    return this.registerList.filter((r) => r.storeId === storeId).map((r) => this.plain(r));
  }
  async revokeRegister(storeId: string, id: string, now: Date) {
    const r = this.registerList.find((x) => x.storeId === storeId && x.id === id && !x.revokedAt);
    if (!r) return undefined;
    const before = this.plain(r);
    r.revokedAt = now;
    return before;
  }
  async renameRegister(storeId: string, id: string, name: string) {
    const r = this.registerList.find((x) => x.storeId === storeId && x.id === id);
    if (!r) return undefined;
    r.name = name;
    return this.plain(r);
  }
  async ownerOf(storeId: string) {
    return this.owners.get(storeId);
  }
  async dayPolicy(storeId: string) {
    return this.days.get(storeId);
  }
  async setDayPolicy(storeId: string, timeZone: string | null, startHour: number) {
    const day = this.days.get(storeId);
    if (day) Object.assign(day, { timeZone, startHour });
  }
  async recordFullSignIn(e: { register: RegisterRecord; userId: string; fullAt: Date; validUntil: Date }) {
    this.signIns.set(this.key(e.register.id, e.userId), { registerId: e.register.id, userId: e.userId, fullAt: e.fullAt, validUntil: e.validUntil, pinFailures: 0, endedAt: null });
  }
  async roster(registerId: string, now: Date) {
    return [...this.signIns.values()].filter((s) => s.registerId === registerId && !s.endedAt && s.validUntil > now);
  }
  async signIn(registerId: string, userId: string) {
    return this.signIns.get(this.key(registerId, userId));
  }
  async countPinFailure(registerId: string, userId: string) {
    const s = this.signIns.get(this.key(registerId, userId));
    if (!s) return 0;
    s.pinFailures++;
    return s.pinFailures;
  }
  async endSignIn(registerId: string, userId: string, now: Date) {
    const s = this.signIns.get(this.key(registerId, userId));
    if (s) s.endedAt = now;
  }
  async recordSwitch(registerId: string, userId: string, authTime: number) {
    const s = this.signIns.get(this.key(registerId, userId));
    if (s) s.pinFailures = 0;
    this.switches.push({ registerId, userId, authTime });
  }
  async switchAt(userId: string, authTime: number) {
    const s = this.switches.find((x) => x.userId === userId && x.authTime === authTime);
    const r = s && this.registerList.find((x) => x.id === s.registerId);
    return r && { id: r.id, name: r.name };
  }
  async pinHash(userId: string) {
    return this.pins.get(userId);
  }
  async setPin(userId: string, hash: string) {
    this.pins.set(userId, hash);
  }
  async removePin(userId: string) {
    return this.pins.delete(userId);
  }
}
