// The sign-in pages' sample views, made by the steps' own render() (with the runner's CSRF token and form action on
// top), over the real services on in-memory ports: a change to what a step puts in its view reaches the template tests.
import { verifySteps } from '../../factors/index.js';
import { totpEnrolStep } from '../../factors/totp/enrol-step.js';
import { wizardView } from '../../factors/totp/wizard.js';
import { storeStep } from '../../interactions/store/index.js';
import { passwordStep } from '../../interactions/password/index.js';
import { bothFactorsStep } from '../../interactions/password/both-factors.js';
import { breachStep } from '../../interactions/breach/index.js';
import { enrolProofStep } from '../../interactions/enrol-proof/index.js';
import { phrMissingStep } from '../../interactions/phr-missing/index.js';
import { mfaRolloutStep } from '../../interactions/mfa-rollout/index.js';
import { approvalRefusedStep, approvalStep } from '../../interactions/approval/index.js';
import { forgotPasswordStep } from '../../interactions/forgot-password/index.js';
import { quickSwitchStep } from '../../interactions/quick-switch/index.js';
import { quickSwitchUnavailableStep } from '../../interactions/quick-switch/unavailable.js';
import type { FlowFacts, FlowState } from '../../src/flow/state.js';
import type { Step } from '../../src/flow/step.js';
import { flowState, MemorySignIn } from '../helpers/memory-sign-in.js';

export type Sample = [name: string, template: string, view: Record<string, unknown>];

export const UID = 'abc123';
export const CSRF = 'csrf-token-123';
/** The secret the enrolment samples show (sealed into the flow state as the wizard seals a new one). */
export const SAMPLE_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const DAY = 86_400_000;

const verify = (id: string): Step => {
  const step = verifySteps.find((s) => s.id === id);
  if (!step) throw new Error(`no verify step ${id}`);
  return step;
};

/** Every sign-in page state worth looking at, each rendered by its step; `codes`: the recovery codes the codes page shows. */
export async function stepViews(codes: string[], approvalBanner: Record<string, unknown>): Promise<Sample[]> {
  const m = new MemorySignIn({ now: new Date('2026-12-07T10:00:00Z') });
  const store = m.addStore('corner');
  const strict = m.addStore('demo', { requireForEveryone: true });
  const pilot = m.addStore('pilot', { cashierMfaBy: '2027-01-31' });
  const pilotPassword = m.addStore('pilotpw', { cashierMfaBy: '2027-01-31', passwordEnrolmentUntil: new Date('2027-01-31T00:00:00Z') });
  const admin = await m.addUser(store, 'adam', { role: 'admin', name: 'Adam Admin' });
  const alice = await m.addUser(store, 'anna', { role: 'admin', name: 'Anna de Wit' });
  await m.enrolTotp(alice.id);
  const paula = await m.addUser(store, 'paula', { role: 'manager', name: 'Paula Peeters' });
  await m.enrolTotp(paula.id);
  await m.enrolPasskey(paula.id);
  const pia = await m.addUser(store, 'pia', { role: 'manager', name: 'Pia Pauwels' });
  await m.enrolPasskey(pia.id);
  // users who must still set MFA up: ways to prove it, after an admin's reset
  const owner = await m.addUser(strict, 'alice', { role: 'owner', name: 'Alice Jansen' });
  const ready = await m.addUser(strict, 'ready', { role: 'admin', email: 'alice@example.com', emailVerified: true });
  const settling = await m.addUser(strict, 'settling', { role: 'admin', email: 'alice@example.com', emailVerified: true, emailChangedAt: new Date('2026-12-03T09:00:00Z') });
  const reset = await m.addUser(strict, 'reset', { role: 'admin', email: 'alice@example.com', mustEnrol: true, mfaReset: { by: '', at: new Date('2026-12-07T13:05:00Z') } });
  const resetByAdam = await m.addUser(strict, 'reset2', { role: 'admin', mustEnrol: true, mfaReset: { by: admin.id, at: new Date('2026-12-07T13:05:00Z') } });
  const noAddress = await m.addUser(strict, 'bram', { role: 'owner', email: null });
  const cashier = await m.addUser(pilot, 'carla', { role: 'cashier', email: 'alice@example.com' });
  const cashierReady = await m.addUser(pilot, 'carl', { role: 'cashier', email: 'alice@example.com', emailVerified: true });
  const cashierNone = await m.addUser(pilot, 'cas', { role: 'cashier', email: null });
  const cashierSettling = await m.addUser(pilot, 'cees', { role: 'cashier', email: 'alice@example.com', emailVerified: true, emailChangedAt: new Date('2027-01-24T09:00:00Z') });
  const cashierPw = await m.addUser(pilotPassword, 'cora', { role: 'cashier' });
  const carlaSmit = await m.addUser(store, 'carlasmit', { role: 'cashier', name: 'Carla Smit' });
  const colin = await m.addUser(store, 'colin', { role: 'cashier', name: 'Colin Bakker' });
  const mia = await m.addUser(store, 'mia', { role: 'manager', name: 'Mia de Vries' });
  await m.enrolTotp(mia.id);
  // B19: a trusted register where two people signed in fully today, and one where nobody did yet
  const till = await m.trustRegister(admin.id, 'Till 2');
  const annJ = await m.addUser(store, 'annj', { role: 'cashier', name: 'Ann Jansen' });
  const bram = await m.addUser(store, 'bramv', { role: 'manager', name: 'Bram de Vries' });
  await m.openQuickSwitch(till.register, annJ.id, '2580');
  await m.openQuickSwitch(till.register, bram.id, '7315');
  const quiet = await m.trustRegister(admin.id, 'Till 3');

  const start = flowState({ uid: UID });
  const switching = { ...start, quickSwitch: { fromRole: 'cashier' as const, fromStoreId: store.id } };
  const at = (storeId: string, over: Partial<FlowState> = {}) => flowState({ uid: UID, storeId, storePrefix: m.stores.get(storeId)?.prefix, ...over });
  const signedIn = (user: { id: string; storeId: string; username: string }, over: Partial<FlowState> = {}) =>
    at(user.storeId, { userId: user.id, username: user.username, passwordVerified: true, ...over });
  const page = async (name: string, step: Step, state: FlowState, envelope: Record<string, unknown> = {}, more: { facts?: Partial<FlowFacts>; register?: string } = {}): Promise<Sample> => {
    const { template, view } = await step.render(state, { ...(await m.facts(state, { register: more.register })), ...more.facts }, m.ctx);
    return [name, template, { ...view, csrf: CSRF, action: `/interaction/${UID}/${step.id}`, ...envelope }];
  };
  const daysBefore = (deadline: string, days: number) => {
    m.now = new Date(Date.parse(`${deadline}T10:00:00Z`) - days * DAY);
  };
  const approval = {
    detail: { type: 'pos_approval' as const, action: 'refund' as const, amount: '120.00', currency: 'EUR', register: 'Till 2', transaction_id: 'T-1234' },
    cashierId: carlaSmit.id,
    cashierName: 'Carla Smit',
    storeId: store.id,
  };
  const pendingSecret = m.box.encrypt(SAMPLE_SECRET, 'pending');
  const wizard = (stage: 'begin' | 'password' | 'scan' | 'code' | 'codes') => ({
    stage,
    ...(stage === 'scan' || stage === 'code' ? { secretSealed: pendingSecret } : {}),
    ...(stage === 'codes' ? { codesSealed: m.ctx.mfa.sealCodes(codes) } : {}),
  });

  const samples: Sample[] = [
    await page('store', storeStep, start),
    await page('store-error', storeStep, { ...start, storePrefix: 'nosuchstore' }, { error: "We couldn't find that store. Check the store URL." }),
    await page('password', passwordStep, at(store.id)),
    await page('password-switching-error', passwordStep, at(store.id, { username: 'alice', switchingUser: true }), { error: 'Incorrect username or password.' }),
    await page('approval-password', passwordStep, at(store.id, { approval, mfaDemanded: true }), approvalBanner),
    await page('forgot-password', forgotPasswordStep, at(store.id, { forgot: 'ask', username: 'alice' })),
    await page('forgot-password-sent', forgotPasswordStep, at(store.id, { forgot: 'sent', username: 'alice' })),
    await page('both-factors', bothFactorsStep, at(store.id, { username: 'alice', bothFactors: { passwordOk: false, refusal: { kind: 'wait', seconds: 900 } } })),
    await page('both-factors-closed', bothFactorsStep, at(store.id, { username: 'alice', bothFactors: { passwordOk: false, refusal: { kind: 'closed' } } })),
    await page('totp-verify', verify('totp-verify'), signedIn(alice)),
    await page('totp-verify-error', verify('totp-verify'), signedIn(alice, { native: true }), { error: 'Invalid authentication code entered. Try again.' }),
    await page('recovery', verify('recovery'), signedIn(alice, { factor: 'recovery' })),
    await page('passkey-verify', verify('passkey-verify'), signedIn(paula)),
    await page('passkey-verify-cloned', verify('passkey-verify'), signedIn(pia), { error: 'This passkey was refused.' }),
    await page('phr-missing', phrMissingStep, signedIn(alice, { phrDemanded: true, mfaDemanded: true })),
    await page('breach', breachStep, signedIn(alice, { secondFactor: 'totp', breach: { count: 52_314, resolved: false } })),
    await page('breach-once', breachStep, signedIn(alice, { secondFactor: 'totp', breach: { count: 1, resolved: false } }), { error: 'The passwords don’t match.' }),
    await page('enrol-proof', enrolProofStep, signedIn(ready)),
    await page('enrol-proof-sent', enrolProofStep, signedIn(ready, { enrolLinkSent: true }), { error: 'This temporary access pass is not valid, has expired or was already used.' }),
    await page('enrol-proof-unverified', enrolProofStep, signedIn(owner)),
    await page('enrol-proof-verify-sent', enrolProofStep, signedIn(owner, { enrolVerifySent: true })),
    await page('enrol-proof-settling', enrolProofStep, signedIn(settling)),
    await page('enrol-proof-owner-no-address', enrolProofStep, signedIn(noAddress)),
    await page('enrol-proof-after-reset', enrolProofStep, signedIn(reset)),
    await page('enrol-begin', totpEnrolStep, signedIn(owner, { enrolProof: 'pass' })),
    await page('enrol-begin-after-reset', totpEnrolStep, signedIn(resetByAdam, { enrolProof: 'pass' })),
    await page('enrol-begin-recovery', totpEnrolStep, signedIn(alice, { secondFactor: 'recovery' })),
    // a step-up (the password of an earlier session): the wizard asks for the password again
    await page('enrol-password', totpEnrolStep, signedIn(owner, { stepUp: true, enrolProof: 'pass', enrol: wizard('password') })),
    await page('enrol-scan', totpEnrolStep, signedIn(owner, { enrolProof: 'pass', enrol: wizard('scan') })),
    await page('enrol-code', totpEnrolStep, signedIn(owner, { enrolProof: 'pass', enrol: wizard('code') })),
    await page('enrol-codes', totpEnrolStep, signedIn(owner, { enrolProof: 'pass', secondFactor: 'totp', enrol: wizard('codes') })),
    await page('approval', approvalStep, signedIn(mia, { approval, mfaDemanded: true, secondFactor: 'totp' }), approvalBanner),
    await page('approval-refused', approvalRefusedStep, signedIn(colin, { approval, mfaDemanded: true }), approvalBanner),
    await page('quick-switch', quickSwitchStep, switching, {}, { register: till.cookie }),
    await page('quick-switch-empty', quickSwitchStep, switching, {}, { register: quiet.cookie }),
    await page('quick-switch-pin', quickSwitchStep, { ...switching, quickSwitch: { ...switching.quickSwitch, pick: annJ.id } }, { error: 'Wrong PIN. 4 tries left before quick switching ends for you on this register today.' }, { register: till.cookie }),
    await page('quick-switch-unavailable', quickSwitchUnavailableStep, { ...start, quickSwitch: {} }),
    await page('quick-switch-revoked', quickSwitchUnavailableStep, { ...start, quickSwitch: {} }, {}, { facts: { registerRevoked: true } }),
  ];
  // B21: the roll-out prompt, some days before the store's deadline for cashiers
  for (const [name, user, days] of [
    ['mfa-rollout', cashier, 12],
    ['mfa-rollout-one-day', cashierReady, 1],
    ['mfa-rollout-last-day', cashierNone, 0],
    ['mfa-rollout-settling', cashierSettling, 5],
    ['mfa-rollout-password-only', cashierPw, 5],
  ] as const) {
    daysBefore('2027-01-31', days);
    samples.push(await page(name, mfaRolloutStep, signedIn(user)));
  }
  daysBefore('2027-01-31', 12);
  samples.push(await page('enrol-proof-rollout', enrolProofStep, signedIn(cashierNone, { rollout: 'now' })));
  return samples;
}

/** The enrolment wizard as Security & ID shows it (factors/totp/account.ts): the same wizardView, from the account. */
export async function accountWizardViews(codes: string[], envelope: Record<string, unknown>): Promise<Sample[]> {
  const m = new MemorySignIn();
  const deps = { app: m.ctx.factors.totp, codes: m.ctx.mfa };
  const account = { storePrefix: 'corner', username: 'alice', downloadUrl: '/account/mfa/codes.txt', credentialTypes: ['passkey' as const] };
  const secretSealed = m.box.encrypt(SAMPLE_SECRET, 'pending');
  const sample = async (name: string, progress: Parameters<typeof wizardView>[0], resetting: boolean): Promise<Sample> => [
    name,
    'totp-enrol',
    { ...(await wizardView(progress, deps, account)), ...envelope, action: '/account/mfa/wizard', fromAccount: true, resetting },
  ];
  return [
    await sample('enrol-account-reset-begin', { stage: 'begin' }, true),
    await sample('enrol-account-password', { stage: 'password' }, false),
    await sample('enrol-account-reset-scan', { stage: 'scan', secretSealed }, true),
    await sample('enrol-account-code', { stage: 'code', secretSealed }, true),
    await sample('enrol-account-reset-codes', { stage: 'codes', codesSealed: m.ctx.mfa.sealCodes(codes) }, true),
  ];
}
