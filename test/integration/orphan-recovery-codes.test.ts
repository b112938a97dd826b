// Recovery codes stored for a batch that never became active (the process died between storing them and the write
// that names them) are removed by the sweeper once their grace has passed; the active batch is kept (issue 20 item 6).
// The real stores on the real database, each write failed in turn; time moves by the injected clock.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { createSweepLease } from '../../src/db/sweep-lease.js';
import { createSweeper } from '../../src/db/sweeper.js';
import { consumeOnceWith } from '../../src/models/stores/consume-once.js';
import { mongoAudit } from '../../src/models/stores/misc.js';
import { mongoRecoveryCodes, PENDING_GRACE_MS } from '../../src/models/stores/recovery-codes.js';
import { mongoMfaUserPort } from '../../src/models/stores/user-directory.js';
import { userRecords } from '../../src/models/stores/user-records.js';
import { createRecoveryCodes } from '../../src/services/recovery-codes/index.js';
import { createMfaService, type MfaServiceDeps } from '../../src/services/mfa/index.js';
import { createSecretBox, parseKeyring } from '../../src/services/secrets/index.js';
import { unitGrant } from '../helpers/grant.js';
import { startStack, type Stack } from '../helpers/stack.js';

class Crash extends Error {}

describe('recovery codes of a batch that never became active (issue 20 item 6, checklist 44)', () => {
  let stack: Stack;
  let storeId: string;
  let now = Date.now();
  const clock = () => new Date(now);
  let users = 0;

  before(async () => {
    stack = await startStack({}, { clock });
    storeId = await stack.createStore('orphans');
  });
  after(() => stack.close());

  // The MFA service on the real stores; the write numbered `crashAt` throws instead, as if the process died there.
  function mfaDying(crashAt?: number) {
    const { models } = stack.db;
    let writes = 0;
    const write = () => {
      writes++;
      if (writes === crashAt) throw new Crash(`killed at write ${writes}`);
    };
    const dying = <T extends object>(port: T, names: string[]): T =>
      Object.fromEntries(
        Object.entries(port).map(([k, fn]) => [
          k,
          names.includes(k)
            ? async (...args: unknown[]) => {
                write();
                return (fn as (...a: unknown[]) => unknown)(...args);
              }
            : fn,
        ]),
      ) as T;
    const deps: MfaServiceDeps = {
      box: createSecretBox(parseKeyring(`k1:${Buffer.alloc(32, 7).toString('base64')}`)),
      recovery: createRecoveryCodes({ pepper: Buffer.alloc(32, 9) }),
      users: dying(mongoMfaUserPort(models, userRecords(models)), ['addCredential', 'dropCredential', 'useCodesBatch', 'noticeDone', 'deactivate', 'setMustEnrol']),
      codes: dying(mongoRecoveryCodes(models, clock), ['insertBatch', 'dropOtherBatches', 'clear']),
      revokeDevices: async (userId) => {
        write();
        await stack.services.devices.revokeAll(userId);
      },
      audit: dying(mongoAudit(models), ['record']),
      notify: async (n) => {
        write();
        await stack.services.notify(n);
      },
      clock,
    };
    return { mfa: createMfaService(deps), writes: () => writes };
  }

  const sweeper = () =>
    createSweeper({ models: stack.db.models, lease: createSweepLease({ claim: consumeOnceWith(stack.db.models).claim, owner: 'orphans-test' }), clock, codes: mongoRecoveryCodes(stack.db.models, clock) });

  // the codes on record, and the batch the user names
  async function codesOf(userId: string) {
    const user = await stack.db.models.User.findOne({ _id: new Types.ObjectId(userId) }).lean();
    const rows = await stack.db.models.RecoveryCode.find({ userId: new Types.ObjectId(userId) }).lean();
    return { enabled: Boolean(user?.mfa?.enabled), active: user?.mfa?.codesBatch ?? null, batches: rows.map((r) => r.batch) };
  }

  const credential = () => ({ key: `c${++users}`, type: 'totp' as const, name: null, createdAt: clock(), lastUsedAt: null, data: { secretSealed: 'sealed' } });

  async function killedAtEachWrite(label: string, prepare: (userId: string) => Promise<void>, change: (mfa: ReturnType<typeof createMfaService>, userId: string) => Promise<unknown>) {
    // a clean run counts the writes
    const cleanId = await stack.createUser(storeId, `clean${label}${++users}`, 'cashier', 'orphan passphrase 1');
    await prepare(cleanId);
    const clean = mfaDying();
    await change(clean.mfa, cleanId);
    const total = clean.writes();
    assert.ok(total >= 4, `${label}: ${total} writes`);

    for (let crashAt = 1; crashAt <= total; crashAt++) {
      const userId = await stack.createUser(storeId, `user${label}${++users}`, 'cashier', 'orphan passphrase 1');
      await prepare(userId);
      await assert.rejects(change(mfaDying(crashAt).mfa, userId), Crash);
      // the process restarts; later the sweeper runs, then the user signs in again
      now += PENDING_GRACE_MS + 2 * 60_000;
      const s = sweeper();
      for (let i = 0; i < 500 && (await s.step()).did !== 'idle'; i++);
      await mfaDying().mfa.remainingCodes(userId);
      const { enabled, active, batches } = await codesOf(userId);
      const where = `${label}, killed at write ${crashAt} of ${total}`;
      if (!enabled) assert.deepEqual(batches, [], `${where}: MFA is off and no code is left`);
      else {
        assert.equal(batches.length, 12, `${where}: the 12 codes that count, nothing else`);
        assert.ok(batches.every((b) => b === active), `${where}: only the active batch`);
      }
    }
  }

  it('an enrolment killed at any write leaves no codes but the active batch once the sweeper has run', async () => {
    await killedAtEachWrite('enrol', async () => undefined, (mfa, userId) => mfa.enrol(userId, credential(), { actor: { actorId: userId }, noticeWhenOn: 'mfa_reset', grant: unitGrant(userId) }));
  });

  it('new recovery codes killed at any write: the old batch or the new one, never both, never neither', async () => {
    await killedAtEachWrite(
      'regenerate',
      async (userId) => {
        await mfaDying().mfa.enrol(userId, credential(), { actor: { actorId: userId }, noticeWhenOn: 'mfa_reset', grant: unitGrant(userId) });
      },
      (mfa, userId) => mfa.regenerateCodes(userId, { actorId: userId }),
    );
  });
});
