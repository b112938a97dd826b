// The provider sessions of an account, read from oidc_payloads by the accountId index (B15), and ending them.
import type { Models } from '../index.js';
import type { PayloadDoc, PayloadStore } from './payloads.js';
import type { SessionPort, StoredSession } from '../../services/sessions/index.js';
import { endSessionByUid, revokeEverythingOf } from '../../provider/mongo-adapter.js';

interface SessionPayload {
  uid?: string;
  jti?: string;
  loginTs?: number;
  iat?: number;
  authorizations?: Record<string, unknown>;
}

export function mongoProviderSessions(models: Models, payloads: PayloadStore, clock: () => Date): SessionPort {
  return {
    async list(accountId) {
      const docs = await models.OidcPayload.find({ accountId, model: 'Session' }).lean<PayloadDoc[]>();
      const now = clock();
      const out: StoredSession[] = [];
      for (const doc of docs) {
        if (doc.model !== 'Session' || doc.accountId !== accountId || (doc.expiresAt && doc.expiresAt <= now)) continue;
        const p = JSON.parse(doc.payload) as SessionPayload;
        if (!p.uid || !p.loginTs) continue;
        out.push({
          id: doc._id.replace(/^Session:/, ''),
          uid: p.uid,
          userAgent: doc.userAgent ?? null,
          ip: doc.ip ?? null,
          lastUsedAt: doc.lastUsedAt ?? null,
          loginTs: p.loginTs,
          iat: p.iat,
          clientIds: Object.keys(p.authorizations ?? {}),
        });
      }
      return out;
    },
    endByUid: (accountId, uid) => endSessionByUid(models, payloads, accountId, uid),
    endAllExcept: (accountId, keepId) => revokeEverythingOf(models, payloads, accountId, keepId),
  };
}
