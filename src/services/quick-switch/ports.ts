// What quick switching (B19) stores: trusted registers, the day's full sign-ins on them, and personal PINs.
export interface RegisterRecord {
  id: string;
  storeId: string;
  name: string;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date | null;
}

export interface RegisterSignIn {
  userId: string;
  fullAt: Date;
  validUntil: Date;
  pinFailures: number;
  endedAt: Date | null;
}

export interface QuickSwitchPort {
  insertRegister(r: { storeId: string; name: string; secretHash: string; createdBy: string; createdAt: Date }): Promise<RegisterRecord>;
  /** the register whose cookie secret has this hash, revoked or not */
  registerByHash(secretHash: string): Promise<RegisterRecord | undefined>;
  registers(storeId: string): Promise<RegisterRecord[]>;
  /** sets revokedAt on a live register of the store; the register as it was, when there was one */
  revokeRegister(storeId: string, id: string, now: Date): Promise<RegisterRecord | undefined>;
  renameRegister(storeId: string, id: string, name: string): Promise<RegisterRecord | undefined>;
  /** the store's owner (told of every newly trusted register) */
  ownerOf(storeId: string): Promise<string | undefined>;
  /** the store's business day: IANA zone (null: by country) and start hour */
  dayPolicy(storeId: string): Promise<{ country: string; timeZone: string | null; startHour: number } | undefined>;
  setDayPolicy(storeId: string, timeZone: string | null, startHour: number): Promise<void>;
  /** records a full sign-in: a fresh day, no wrong PINs, not ended */
  recordFullSignIn(e: { register: RegisterRecord; userId: string; fullAt: Date; validUntil: Date; keepUntil: Date }): Promise<void>;
  /** the register's sign-ins still valid at `now` and not ended */
  roster(registerId: string, now: Date): Promise<RegisterSignIn[]>;
  signIn(registerId: string, userId: string): Promise<RegisterSignIn | undefined>;
  /** counts a wrong PIN; the count after it */
  countPinFailure(registerId: string, userId: string): Promise<number>;
  endSignIn(registerId: string, userId: string, now: Date): Promise<void>;
  /** a PIN switch at `authTime` (seconds): clears the wrong-PIN count and names the register for its tokens */
  recordSwitch(registerId: string, userId: string, authTime: number, now: Date): Promise<void>;
  /** the register of the switch of this user at this auth_time */
  switchAt(userId: string, authTime: number): Promise<{ id: string; name: string } | undefined>;
  pinHash(userId: string): Promise<string | undefined>;
  setPin(userId: string, hash: string, now: Date): Promise<void>;
  removePin(userId: string): Promise<boolean>;
}
