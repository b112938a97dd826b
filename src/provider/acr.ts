// Authentication context classes and whether a request or client demands an MFA-asserted login (B4).
export const ACR = {
  pwd: 'urn:pos-idp:acr:pwd',
  mfa: 'urn:pos-idp:acr:mfa',
} as const;

export const ACR_VALUES = [ACR.pwd, ACR.mfa];

// MFA satisfies a password-level demand too; a password-only login satisfies only the password level.
export function satisfies(current: string | undefined, wanted: string): boolean {
  if (wanted === ACR.mfa) return current === ACR.mfa;
  if (wanted === ACR.pwd) return current === ACR.pwd || current === ACR.mfa;
  return false;
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

// MFA is demanded when the client requires it, or every acceptable requested level is the MFA level.
export function demandsMfa(client: { [key: string]: unknown } | undefined, params: Record<string, unknown>): boolean {
  if (client?.require_mfa === true) return true;
  const wanted = requestedAcrs(params);
  return wanted.length > 0 && wanted.every((v) => v === ACR.mfa);
}
