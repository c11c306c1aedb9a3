// Short-lived tokens for frontend apps: JWTs the product's own backend signs (HS256 with a shared secret, or
// any asymmetric key published at a JWKS URL), verified with jose. A token names one tenant and may narrow
// the integrated accounts it can read; an account outside that list looks exactly like a missing one.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { GatewayError } from '../providers/engine/errors.js';

export interface JwtSettings {
  /** HS256 shared secret (at least 32 characters); or jwksUrl. */
  secret?: string;
  /** Where the signing keys are published (RS256, ES256, EdDSA…); fetched and cached by jose. */
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** The claim holding the tenant id (default `tenant`). */
  tenantClaim: string;
  /** A claim listing the integrated account ids the token may read; absent from the config: every account of the tenant. */
  accountsClaim?: string;
  clockToleranceSeconds: number;
}

/** Who a request is, once its bearer token is accepted. `accounts`: the only account ids it may read (undefined: all). */
export interface Caller {
  tenantId: string;
  accounts?: ReadonlySet<string>;
}

/** Three base64url parts: what a compact JWS looks like (an API token never does: it has no dots). */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

export const unauthenticated = (reason: string) =>
  new GatewayError('UNAUTHENTICATED', reason, {}, { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="rollcall", error="invalid_token"` } });

/** Why jose refused a token, in words a frontend developer can act on (never the token itself). */
function reasonOf(e: unknown, s: JwtSettings): string {
  if (e instanceof joseErrors.JWTExpired) return 'The JWT has expired; have your backend issue a fresh one.';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return `The JWT's audience ("aud") is not "${s.audience}"; sign it for this gateway's auth.jwt.audience.`;
    if (e.claim === 'iss') return `The JWT's issuer ("iss") is not "${s.issuer}"; sign it with this gateway's auth.jwt.issuer.`;
    if (e.claim === 'nbf') return 'The JWT is not valid yet ("nbf" is in the future); check the signing server\'s clock.';
    return `The JWT's "${e.claim}" claim is not acceptable (${e.reason}).`;
  }
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'The JWT signature does not verify; sign it with the key this gateway is configured with (auth.jwt).';
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return `The JWT's algorithm is not accepted here (${s.secret ? 'HS256 only' : 'the JWKS keys\' asymmetric algorithms only'}).`;
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'No key at auth.jwt.jwksUrl matches the JWT\'s "kid"; publish the signing key there.';
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid) return 'The gateway could not read the signing keys at auth.jwt.jwksUrl; retry shortly.';
  if (e instanceof joseErrors.JWTInvalid || e instanceof joseErrors.JWSInvalid) return 'The JWT is malformed.';
  return 'The JWT cannot be verified.';
}

/** A verifier for the configured JWTs: resolves to the caller or throws 401 UNAUTHENTICATED with the reason. */
export function jwtVerifier(s: JwtSettings): (token: string) => Promise<Caller> {
  const key: Uint8Array | JWTVerifyGetKey = s.secret ? new TextEncoder().encode(s.secret) : createRemoteJWKSet(new URL(s.jwksUrl!));
  const algorithms = s.secret ? ['HS256'] : ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
  return async (token) => {
    let payload: JWTPayload;
    try {
      // `exp` is required: a frontend token that never expires is the tenant-wide secret this replaces.
      ({ payload } = await jwtVerify(token, key as never, { issuer: s.issuer, audience: s.audience, algorithms, requiredClaims: ['exp'], clockTolerance: s.clockToleranceSeconds }));
    } catch (e) {
      throw unauthenticated(reasonOf(e, s));
    }
    const tenantId = payload[s.tenantClaim];
    if (typeof tenantId !== 'string' || tenantId === '') throw unauthenticated(`The JWT has no "${s.tenantClaim}" claim naming the tenant (auth.jwt.tenantClaim).`);
    if (!s.accountsClaim) return { tenantId };
    const list = payload[s.accountsClaim];
    // Configured but missing: no accounts, rather than all of them (fail closed).
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'string')))
      throw unauthenticated(`The JWT's "${s.accountsClaim}" claim must be an array of integrated account ids.`);
    return { tenantId, accounts: new Set((list as string[] | undefined) ?? []) };
  };
}
