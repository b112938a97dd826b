// The interaction-step contract: every sign-in step is data in, decision out; steps never see Koa's ctx.
import type { z } from 'zod';
import type { FlowState, FlowFacts } from './state.js';
import type { StepContext } from './context.js';
import type { Renderer } from '../http/page.js';

export interface Rendered {
  template: string;
  view: Record<string, unknown>;
}

export type Effect =
  | { kind: 'remember-device'; userId: string }
  | { kind: 'audit'; type: string; userId?: string; storeId?: string; details?: Record<string, unknown> }
  // sent at most once per sign-in, even for parallel submissions (a consume-once marker per interaction); afterAnswer:
  // written once the answer has left, where its cost must not tell that the password was right (checklist 24)
  | { kind: 'notify-second-factor-failed'; userId: string; afterAnswer?: boolean };

export type StepResult =
  // carry: the patch is handed to the next page (signed, src/flow/tokens.ts) instead of being stored
  | { kind: 'advance'; patch: Partial<FlowState>; effects?: Effect[]; carry?: boolean }
  | { kind: 'rerender'; error: string; vars?: Record<string, string | number>; patch?: Partial<FlowState>; effects?: Effect[] }
  | { kind: 'abort'; error: string; description: string }
  // the step ends the interaction with a result of its own (a manager's approval), not a sign-in
  | { kind: 'conclude'; result: Record<string, unknown>; effects?: Effect[] };

export const advance = (patch: Partial<FlowState> = {}, effects: Effect[] = []): StepResult => ({ kind: 'advance', patch, effects });
export const rerender = (
  error: string,
  opts: { vars?: Record<string, string | number>; patch?: Partial<FlowState>; effects?: Effect[] } = {},
): StepResult => ({ kind: 'rerender', error, ...opts });
export const abort = (error: string, description: string): StepResult => ({ kind: 'abort', error, description });

export interface StepInput {
  ip: string;
  userAgent: string;
}

/** An extra GET route a step owns (/interaction/:uid/<path>): a mode switch, or a download of its page's data. */
export interface StepRoute {
  path: string;
  run(state: FlowState, facts: FlowFacts, services: StepContext, render: Renderer, query: URLSearchParams): StepRouteResult | Promise<StepRouteResult>;
}

export type StepRouteResult =
  | { kind: 'patch'; patch: Partial<FlowState> }
  | { kind: 'download'; filename: string; body: string }
  | { kind: 'error'; code: string }
  | { kind: 'not-found' };

export interface Step<S extends z.ZodType = z.ZodType> {
  id: string;
  applies(state: FlowState, facts: FlowFacts): boolean;
  render(state: FlowState, facts: FlowFacts, services: StepContext): Rendered | Promise<Rendered>;
  input: S;
  submit(input: z.infer<S>, state: FlowState, facts: FlowFacts, services: StepContext, req: StepInput): Promise<StepResult>;
  routes?: StepRoute[];
  /** The step only narrows the question (the store): its answer is carried to the next page (handOn), never stored. */
  handsOn?: boolean;
}

export const defineStep = <S extends z.ZodType>(step: Step<S>): Step<S> => step;

// A value the step's applies() (or the flow before it) guarantees; missing means a bug, never a user's doing.
export function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`sign-in flow: ${what} is missing`);
  return value;
}

// The first wrong code after a correct password is announced to the user, once per sign-in (checklist 69).
export function secondFactorFailed(state: FlowState, audit: Effect): { effects: Effect[]; patch: Partial<FlowState> } {
  if (state.failureNotified) return { effects: [audit], patch: {} };
  return { effects: [audit, { kind: 'notify-second-factor-failed', userId: need(state.userId, 'state.userId') }], patch: { failureNotified: true } };
}

// The user on the device: what the throttle needs to know of an attempt (B18: a known device counts on its own).
export const subjectOf = (state: FlowState, facts: FlowFacts, services: StepContext, user: NonNullable<FlowFacts['user']>) => ({
  storeId: need(state.storeId, 'state.storeId'),
  username: user.username,
  user,
  device: services.knownDevices.tagFor(facts.device, user.id),
});

// The refusal shown while an account or address must wait (B2): seconds for short back-off, minutes for a longer one;
// or, once sign-in from unknown devices is closed, how to get back in (B18).
export const throttled = (refusal: { kind: 'wait'; seconds: number } | { kind: 'closed' }, patch?: Partial<FlowState>): StepResult => {
  if (refusal.kind === 'closed') return rerender('signin_closed', { patch });
  return refusal.seconds >= 60
    ? rerender('locked', { vars: { minutes: Math.ceil(refusal.seconds / 60) }, patch })
    : rerender('slow_down', { vars: { seconds: refusal.seconds }, patch });
};

// A step that only narrows the question (the store) hands its answer to the next page instead of storing it.
export const handOn = (patch: Partial<FlowState>): StepResult => ({ kind: 'advance', patch, effects: [], carry: true });
