// WebAuthn challenges without server state: random, stamped with their time and bound by HMAC to what they are for
// (an interaction, an account session); each is also claimed once when used, so a replay fails (checklist 37).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CHALLENGE_TTL_MS = 5 * 60_000;

export function webauthnChallenges(key: Buffer, clock: () => Date) {
  const mac = (binding: string, head: Buffer) => createHmac('sha256', key).update(`webauthn:${binding}:`).update(head).digest().subarray(0, 16);
  return {
    issue(binding: string): string {
      const head = Buffer.alloc(22);
      head.writeUIntBE(clock().getTime(), 0, 6);
      randomBytes(16).copy(head, 6);
      return Buffer.concat([head, mac(binding, head)]).toString('base64url');
    },
    valid(binding: string, challenge: string): boolean {
      const raw = Buffer.from(challenge, 'base64url');
      if (raw.length !== 38) return false;
      const head = raw.subarray(0, 22);
      if (!timingSafeEqual(raw.subarray(22), mac(binding, head))) return false;
      const age = clock().getTime() - head.readUIntBE(0, 6);
      return age >= 0 && age <= CHALLENGE_TTL_MS;
    },
  };
}

export type WebauthnChallenges = ReturnType<typeof webauthnChallenges>;
