// Authentication context classes (B4): quick switch (a PIN on a trusted register, B19) < password < MFA <
// phishing-resistant MFA (a passkey), and which one a request or a client demands.
export const ACR = {
  switch: 'urn:pos-idp:acr:switch',
  pwd: 'urn:pos-idp:acr:pwd',
  mfa: 'urn:pos-idp:acr:mfa',
  phr: 'urn:pos-idp:acr:phr',
} as const;

export const ACR_VALUES = [ACR.switch, ACR.pwd, ACR.mfa, ACR.phr];

const rank = (acr: string | undefined) => (acr === undefined ? -1 : ACR_VALUES.indexOf(acr as never));

// A level satisfies itself and every weaker one; unknown levels satisfy nothing and are satisfied by nothing.
export function satisfies(current: string | undefined, wanted: string): boolean {
  return rank(wanted) >= 0 && rank(current) >= rank(wanted);
}

interface ClaimsRequest {
  id_token?: { acr?: { essential?: boolean; value?: unknown; values?: unknown } };
}

// The acr levels the request asks for; empty when it asks for none we know.
export function requestedAcrs(params: Record<string, unknown>): string[] {
  const wanted = new Set<string>();
  if (typeof params.acr_values === 'string') {
    for (const v of params.acr_values.split(' ')) if (ACR_VALUES.includes(v as never)) wanted.add(v);
  }
  let claims: ClaimsRequest | undefined;
  try {
    claims = typeof params.claims === 'string' ? (JSON.parse(params.claims) as ClaimsRequest) : (params.claims as ClaimsRequest);
  } catch {
    claims = undefined;
  }
  const acr = claims?.id_token?.acr;
  if (acr?.essential) {
    const values = [acr.value, ...(Array.isArray(acr.values) ? acr.values : [])];
    for (const v of values) if (typeof v === 'string' && ACR_VALUES.includes(v as never)) wanted.add(v);
  }
  return [...wanted];
}

// The essential acr values of a claims request, as asked (unknown ones included); undefined when none are essential.
export function essentialAcrs(params: Record<string, unknown>): string[] | undefined {
  let claims: ClaimsRequest | undefined;
  try {
    claims = typeof params.claims === 'string' ? (JSON.parse(params.claims) as ClaimsRequest) : (params.claims as ClaimsRequest);
  } catch {
    return undefined;
  }
  const acr = claims?.id_token?.acr;
  if (!acr?.essential) return undefined;
  const values = [acr.value, ...(Array.isArray(acr.values) ? acr.values : [])].filter((v): v is string => typeof v === 'string');
  return values.length ? values : undefined;
}

// An essential acr request naming none of our levels can never be met, whatever the session or the user does.
export function unmeetableAcr(params: Record<string, unknown>): boolean {
  const essential = essentialAcrs(params);
  return essential !== undefined && !essential.some((v) => ACR_VALUES.includes(v as never));
}

// The level a login must reach: the client's floor (require_phishing_resistant, require_mfa), raised to the weakest
// level the request accepts when it names any of ours. The lowest level (a quick switch) when nothing demands more:
// a client that asks for nothing accepts a session of any of our levels; one that names pwd refuses a quick switch.
export function demandedLevel(client: { [key: string]: unknown } | undefined, params: Record<string, unknown>): string {
  const floor = client?.require_phishing_resistant === true ? ACR.phr : client?.require_mfa === true ? ACR.mfa : ACR.switch;
  const wanted = requestedAcrs(params);
  const weakestWanted = wanted.length ? ACR_VALUES[Math.min(...wanted.map(rank))] : ACR.switch;
  return rank(weakestWanted) > rank(floor) ? weakestWanted : floor;
}

// MFA (or more) is demanded when the client requires it, or every acceptable requested level is above the password.
export const demandsMfa = (client: { [key: string]: unknown } | undefined, params: Record<string, unknown>) =>
  satisfies(demandedLevel(client, params), ACR.mfa);

export const demandsPhishingResistant = (client: { [key: string]: unknown } | undefined, params: Record<string, unknown>) =>
  demandedLevel(client, params) === ACR.phr;

/** The request asks for a quick switch (B19): acr_values names the switch level, and nothing demands more (an
 * essential acr claim must accept the switch level too). */
export const asksQuickSwitch = (client: { [key: string]: unknown } | undefined, params: Record<string, unknown>) => {
  const essential = essentialAcrs(params);
  return requestedAcrs(params).includes(ACR.switch) && demandedLevel(client, params) === ACR.switch && (!essential || essential.includes(ACR.switch));
};
