// Database size for the cost curve: stored sessions, grants and tokens in oidc_payloads shaped like the provider's own, plus other stores' users.
import { randomBytes } from 'node:crypto';
import type { Models } from '../../src/models/index.js';
import { CLIENT_ID, REDIRECT_URI } from './clients.js';
import { type Credentials, seedOtherStores } from './seed.js';

export interface PreloadOptions {
  /** stored documents to add to oidc_payloads (sessions, grants, access and refresh tokens, in equal parts) */
  tokens?: number;
  /** users to add in other stores (100 per store) */
  users?: number;
}

export interface PreloadResult {
  tokens: number;
  users: number;
  seconds: number;
}

const BATCH = 1_000;
const HOUR = 3_600;
const AMR = ['pwd', 'otp', 'mfa'];
const ACR = 'urn:pos-idp:acr:mfa';

const id = () => randomBytes(32).toString('base64url');
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

/**
 * One signed-in user's documents as the provider writes them (a Session, its Grant, an AccessToken and a RefreshToken,
 * 0.5-1.2 KB each; tokens carry their grant's snapshot). All expire 1-12 h from now, so the size holds during a run.
 */
function signedInUser(accountId: string, now: number) {
  const iat = now - Math.floor(Math.random() * HOUR);
  const exp = now + HOUR + Math.floor(Math.random() * 11 * HOUR);
  const expiresAt = new Date(exp * 1000);
  const grantId = id();
  const sessionUid = id();
  const grant = JSON.stringify({ iat, exp, clientId: CLIENT_ID, accountId, kind: 'Grant', jti: grantId, openid: { scope: 'openid' } });
  const sessionId = id();
  const session = {
    iat,
    exp,
    kind: 'Session',
    jti: sessionId,
    uid: sessionUid,
    accountId,
    loginTs: iat,
    amr: AMR,
    acr: ACR,
    authorizations: { [CLIENT_ID]: { sid: id(), grantId, persistsLogout: true } },
  };
  const accessId = id();
  const access = {
    iat,
    exp,
    accountId,
    grantId,
    gty: 'authorization_code',
    sessionUid,
    kind: 'AccessToken',
    jti: accessId,
    clientId: CLIENT_ID,
    scope: 'openid',
    extra: { acr: ACR, amr: AMR, auth_time: iat },
  };
  const refreshId = id();
  const refresh = {
    iat,
    exp,
    accountId,
    acr: ACR,
    amr: AMR,
    authTime: iat,
    grantId,
    gty: 'authorization_code',
    nonce: id().slice(0, 22),
    rotations: 0,
    scope: 'openid',
    sessionUid,
    kind: 'RefreshToken',
    jti: refreshId,
    clientId: CLIENT_ID,
    iiat: iat,
    redirectUri: REDIRECT_URI,
  };
  const token = { grantId, accountId, expiresAt, grant, grantExpiresAt: expiresAt };
  return [
    { _id: `Session:${sessionId}`, model: 'Session', payload: JSON.stringify(session), uid: sessionUid, accountId, expiresAt },
    { _id: `Grant:${grantId}`, model: 'Grant', payload: grant, accountId, expiresAt },
    { _id: `AccessToken:${accessId}`, model: 'AccessToken', payload: JSON.stringify(access), ...token },
    { _id: `RefreshToken:${refreshId}`, model: 'RefreshToken', payload: JSON.stringify(refresh), ...token },
  ];
}

/** Adds `users` users in other stores, then `tokens` documents to oidc_payloads, owned by random existing users. */
export async function preload(models: Models, opts: PreloadOptions, credentials: Credentials): Promise<PreloadResult> {
  const t0 = Date.now();
  const users = opts.users ? await seedOtherStores(models, opts.users, credentials) : 0;
  const tokens = opts.tokens ?? 0;
  if (tokens > 0) {
    const accounts = (await models.User.find({}, { _id: 1 }).limit(50_000).lean()).map((u) => String(u._id));
    if (accounts.length === 0) throw new Error('preload: no users to own the tokens');
    const now = Math.floor(Date.now() / 1000);
    let done = 0;
    while (done < tokens) {
      const docs: Array<Record<string, unknown>> = [];
      while (docs.length < Math.min(BATCH, tokens - done)) docs.push(...signedInUser(pick(accounts), now));
      docs.length = Math.min(docs.length, tokens - done);
      // through the model, so fields the schema no longer has are dropped and defaults are filled in
      await models.OidcPayload.insertMany(docs, { ordered: false });
      done += docs.length;
    }
  }
  return { tokens, users, seconds: (Date.now() - t0) / 1000 };
}
