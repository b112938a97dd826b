// Demo POS: "Refund €120" asks a manager's approval (B20) with RFC 9396 authorization details, then books the refund
// through the demo refund endpoint, which has the provider use the approval once (POST /approvals/redeem).
import { randomInt } from 'node:crypto';
import type Router from '@koa/router';
import type Koa from 'koa';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { escapeHtml as h } from './page.js';
import { approvalEndingOf, formatAmount } from '../services/approval/details.js';
import { translate, type Locale } from '../http/i18n.js';
import { bodyParser } from '../http/request-body.js';

export interface DemoApproval {
  pending?: { verifier: string; state: string; transaction: Transaction };
  /** the last approval token, kept so the demo can show that a second use is refused */
  used?: { token: string; transaction: Transaction };
}

interface Transaction {
  type: 'pos_approval';
  action: 'refund';
  amount: string;
  currency: string;
  register: string;
  transaction_id: string;
}

export interface ApprovalDemoOptions {
  config: oidc.Configuration;
  issuer: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  logger: Logger;
  /** the register's session: the cashier's ID token names who asks */
  session(ctx: Koa.Context): { idToken?: string; claims?: Record<string, unknown>; approval?: DemoApproval };
  /** the register's language */
  localeOf(ctx: Koa.Context): Locale;
  /** the register's page around a heading and content (the POS's own look) */
  screen(ctx: Koa.Context, title: string, content: string): string;
}

export const REFUND_AMOUNT = '120.00';
const REGISTER = 'Till 2';

interface Booked {
  approved?: boolean;
  error?: string;
  authorization_details?: Array<{ amount: string; currency: string; transaction_id: string; approver: { name: string }; cashier: { name: string } }>;
}

const euros = (amount: string, locale: Locale) => formatAmount({ amount, currency: 'EUR' }, locale);

export function approvalDemo(router: Router, opts: ApprovalDemoOptions) {
  const approvalsUrl = `${opts.baseUrl}/api/approvals`;
  const callback = `${opts.baseUrl}/approval/callback`;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`).toString('base64')}`;

  const words = (ctx: Koa.Context) => {
    const locale = opts.localeOf(ctx);
    return { locale, t: (key: string, vars?: Record<string, string | number>) => translate(locale, `demo-approval.${key}`, vars) };
  };

  // what happened, and the keys that lead on: back to the register (always), the same approval again, or a new request
  const result = (ctx: Koa.Context, status: number, id: string, text: string, next: 'use-again' | 'ask-again' | undefined = undefined) => {
    const { t } = words(ctx);
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    const more =
      next === 'use-again'
        ? `<form method="post" action="/approval/use-again"><button class="button secondary" id="use-again" type="submit">${h(t('use_again'))}</button></form>`
        : next === 'ask-again'
          ? `<a class="button secondary" id="ask-again" href="/approval/refund">${h(t('ask_again'))}</a>`
          : '';
    ctx.body = opts.screen(ctx, t('title'), `<p id="${id}" role="status">${h(text)}</p><div class="keys">${more}<a class="button" id="back" href="/">${h(t('back'))}</a></div>`);
  };

  // the register's backend books the refund with the approval: the provider checks it and uses it up
  const book = async (token: string, transaction: Transaction, over: Partial<Transaction> = {}) => {
    const res = await fetch(`${opts.baseUrl}/api/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...transaction, ...over }),
    });
    return { status: res.status, body: (await res.json()) as Booked };
  };

  const tell = (ctx: Koa.Context, outcome: { status: number; body: Booked }, transaction: Transaction) => {
    const { t, locale } = words(ctx);
    const approved = outcome.body.authorization_details?.[0];
    if (outcome.status === 200 && approved) {
      const vars = { amount: euros(approved.amount, locale), transaction: approved.transaction_id, manager: approved.approver.name, cashier: approved.cashier.name };
      return result(ctx, 200, 'refund-booked', t('booked', vars), 'use-again');
    }
    const why = outcome.body.error === 'approval_used' ? 'refused_used' : outcome.body.error === 'approval_mismatch' ? 'refused_mismatch' : 'refused_invalid';
    return result(ctx, 403, 'refund-refused', t(why, { amount: euros(transaction.amount, locale) }));
  };

  router.get('/approval/refund', async (ctx) => {
    const s = opts.session(ctx);
    if (!s.idToken) return ctx.redirect('/');
    const transaction: Transaction = { type: 'pos_approval', action: 'refund', amount: REFUND_AMOUNT, currency: 'EUR', register: REGISTER, transaction_id: `T-${randomInt(1000, 10000)}` };
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    s.approval = { ...s.approval, pending: { verifier, state, transaction } };
    const url = oidc.buildAuthorizationUrl(opts.config, {
      redirect_uri: callback,
      scope: 'openid approvals',
      resource: approvalsUrl,
      authorization_details: JSON.stringify([transaction]),
      // who asks: the provider checks this is the cashier its own session on this register is signed in as
      id_token_hint: s.idToken,
      ui_locales: opts.localeOf(ctx),
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    ctx.redirect(url.href);
  });

  router.get('/approval/callback', async (ctx) => {
    const s = opts.session(ctx);
    const pending = s.approval?.pending;
    if (!pending) return ctx.redirect('/');
    s.approval = { ...s.approval, pending: undefined };
    const error = typeof ctx.query.error === 'string' ? ctx.query.error : undefined;
    const { t, locale } = words(ctx);
    const amount = euros(pending.transaction.amount, locale);
    // an answer to another request (a stale tab, a crafted link) says nothing about this one
    if (error && ctx.query.state !== pending.state) return result(ctx, 400, 'refund-declined', t('failed', { amount, error: 'state mismatch' }), 'ask-again');
    if (error) {
      // the provider says how the approval ended (declined, given up, expired): the register says it in words
      const ending = error === 'access_denied' ? (approvalEndingOf(ctx.query.error_description) ?? 'not_approved') : undefined;
      return result(ctx, 403, 'refund-declined', ending ? t(ending, { amount }) : t('failed', { amount, error }), 'ask-again');
    }
    try {
      const tokens = await oidc.authorizationCodeGrant(opts.config, new URL(ctx.href.replace(ctx.origin, opts.baseUrl)), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
      });
      s.approval = { used: { token: tokens.access_token, transaction: pending.transaction } };
      tell(ctx, await book(tokens.access_token, pending.transaction), pending.transaction);
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, 'demo POS approval failed');
      result(ctx, 400, 'refund-declined', t('failed', { amount, error: (err as Error).message }));
    }
  });

  // shows single use: the same approval a second time is refused by the provider
  router.post('/approval/use-again', async (ctx) => {
    const used = opts.session(ctx).approval?.used;
    if (!used) return ctx.redirect('/');
    tell(ctx, await book(used.token, used.transaction), used.transaction);
  });

  // The demo's refund endpoint (its resource server): books only what the provider confirms, once.
  router.post('/api/refunds', bodyParser({ limit: '8kb' }), async (ctx) => {
    const token = /^Bearer ([\w.-]+)$/.exec(ctx.get('authorization'))?.[1];
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    if (!token) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_token' };
      return;
    }
    const res = await fetch(`${opts.issuer}/approvals/redeem`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, action: field('action'), amount: field('amount'), currency: field('currency'), register: field('register'), transaction_id: field('transaction_id') }),
    });
    ctx.status = res.status;
    ctx.body = await res.json();
  });
}

/** The register key that starts it: "Refund €120.00". */
export const refundButton = (locale: Locale) =>
  `<a class="button secondary" id="refund" href="/approval/refund">${h(translate(locale, 'demo-approval.button', { amount: euros(REFUND_AMOUNT, locale) }))}</a>`;
