// Known devices (B18): after a full sign-in the browser keeps a cookie naming it (a random device id) and, for each
// user who completed a sign-in on it, a tag HMAC(key, device id, user id). Only the server can make a tag, so a tag
// proves this browser signed this user in before; nothing is stored, and nothing but throttling depends on it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MAX_USERS = 30;
const TAG_BYTES = 16;

export interface KnownDevice {
  /** the device id (random, 128 bits) */
  id: string;
  /** tags of the users known here, newest first */
  tags: string[];
}

export function knownDevices(key: string) {
  const tagOf = (deviceId: string, userId: string) => createHmac('sha256', key).update(`known-device\n${deviceId}\n${userId}`).digest().subarray(0, TAG_BYTES).toString('base64url');
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    parse(cookie: string | undefined): KnownDevice | undefined {
      const [id, ...tags] = (cookie ?? '').split('.');
      return id && /^[\w-]{22}$/.test(id) ? { id, tags: tags.filter((t) => /^[\w-]{22}$/.test(t)).slice(0, MAX_USERS) } : undefined;
    },
    /** The tag this user has on this device, if they signed in here before; it names the device in the user's counts. */
    tagFor(device: KnownDevice | undefined, userId: string): string | undefined {
      if (!device) return undefined;
      const expected = tagOf(device.id, userId);
      return device.tags.some((t) => same(t, expected)) ? expected : undefined;
    },
    /** The cookie value after `userId` completed a sign-in on this device (a new device id when there was none). */
    remember(device: KnownDevice | undefined, userId: string): string {
      const id = device?.id ?? randomBytes(16).toString('base64url');
      const tag = tagOf(id, userId);
      const tags = [tag, ...(device?.id === id ? device.tags.filter((t) => t !== tag) : [])].slice(0, MAX_USERS);
      return [id, ...tags].join('.');
    },
  };
}

export type KnownDevices = ReturnType<typeof knownDevices>;
