// Chromium's virtual authenticator for passkeys (CDP WebAuthn: ctap2, internal, resident keys, user verification): the
// browser's own dialog answers navigator.credentials without a person, and a test can read or clone its keys.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    private id: string,
  ) {}

  /**
   * Plugs an authenticator into the page's browser context (a platform authenticator that is always present), holding
   * `credentials` from the start (the same passkeys on another device, as a synced passkey is).
   */
  static async attach(context: BrowserContext, page: Page, credentials: VirtualCredential[] = []): Promise<VirtualAuthenticator> {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const device = new VirtualAuthenticator(cdp, await VirtualAuthenticator.add(cdp));
    await device.hold(credentials);
    return device;
  }

  private async hold(credentials: VirtualCredential[]) {
    for (const credential of credentials) await this.cdp.send('WebAuthn.addCredential', { authenticatorId: this.id, credential });
  }

  private static async add(cdp: CDPSession): Promise<string> {
    const options = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } as const;
    return (await cdp.send('WebAuthn.addVirtualAuthenticator', { options })).authenticatorId;
  }

  /** The keys it holds, with their signature counters. */
  async credentials(): Promise<VirtualCredential[]> {
    return ((await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id })) as { credentials: VirtualCredential[] }).credentials;
  }

  /** Unplugs it and plugs in another that holds exactly these keys (a clone, or the original back). */
  async replaceWith(credentials: VirtualCredential[]): Promise<void> {
    await this.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.id });
    this.id = await VirtualAuthenticator.add(this.cdp);
    await this.hold(credentials);
  }
}
