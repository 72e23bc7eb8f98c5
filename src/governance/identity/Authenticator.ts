import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { governanceDefaults } from '../../config/defaults.ts';
import type { AuthConfig } from '../../config/governance/governanceSchema.ts';
import { anonymousClient, type ClientIdentity } from './ClientIdentity.ts';

export type Authentication = { readonly ok: true; readonly client: ClientIdentity } | { readonly ok: false; readonly reason: string };

/**
 * Names the client behind an `Authorization` header: a named token (`auth.tokens`, or the `--token`
 * key named `default`), else a JWT checked against the configured JWKS (signature, issuer, audience,
 * expiry) and named by its `sub`. With no token configured anywhere, every request is `anonymous`.
 */
export interface Authenticator {
  /** Whether a request must carry a token at all. */
  readonly required: boolean;
  /** The JWT settings, when JWTs are accepted (the HTTP entry then serves protected-resource metadata). */
  readonly jwt: AuthConfig['jwt'];
  authenticate(authorization: string | undefined): Promise<Authentication>;
}

interface NamedToken {
  readonly digest: Buffer;
  readonly client: ClientIdentity;
}

/** As `auth.tokens[].name` allows. */
const maxClientNameLength = 128;

const digest = (text: string) => createHash('sha256').update(text).digest();

export function createAuthenticator(auth: AuthConfig | undefined, cliToken?: string): Authenticator {
  const named: NamedToken[] = (auth?.tokens ?? []).map((entry) => ({
    digest: digest(entry.token),
    client: Object.freeze({ name: entry.name, ...(entry.servers !== undefined && { servers: Object.freeze([...entry.servers]) }) }),
  }));
  if (cliToken !== undefined && cliToken !== '') named.push({ digest: digest(cliToken), client: Object.freeze({ name: governanceDefaults.cliTokenName }) });
  const jwt = auth?.jwt;
  // jose is loaded with the first JWT to check (a gateway of named tokens never loads it); the keys are
  // fetched on first use and cached by jose (refetched on an unknown `kid`, rate-limited).
  let jose: Promise<{ module: typeof import('jose'); keys: JWTVerifyGetKey }> | undefined;
  const loadJose = (jwksUrl: string) => (jose ??= import('jose').then((module) => ({ module, keys: module.createRemoteJWKSet(new URL(jwksUrl)) })));
  const required = named.length > 0 || jwt !== undefined;

  async function authenticate(authorization: string | undefined): Promise<Authentication> {
    if (!required) return { ok: true, client: anonymousClient };
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (bearer === undefined) return { ok: false, reason: 'no bearer token' };
    // Compared as digests, each in constant time, and every one of them: the answer's timing says nothing of which came close.
    const given = digest(bearer);
    let match: ClientIdentity | undefined;
    for (const token of named) if (timingSafeEqual(token.digest, given)) match ??= token.client;
    if (match !== undefined) return { ok: true, client: match };
    if (jwt === undefined || bearer.split('.').length !== 3) return { ok: false, reason: 'unknown token' };
    const loaded = await loadJose(jwt.jwksUrl).catch(() => undefined);
    if (loaded === undefined) return { ok: false, reason: 'the JWT could not be checked (its library did not load)' };
    const { module, keys } = loaded;
    try {
      const { payload } = await module.jwtVerify(bearer, keys, { issuer: jwt.issuer, audience: jwt.audience });
      if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'the JWT has no "sub" to name the client' };
      // The name goes into logs, limiter keys and messages: a bounded line of printable text.
      if (payload.sub.length > maxClientNameLength || /[\u0000-\u001f\u007f]/.test(payload.sub)) return { ok: false, reason: 'the JWT\'s "sub" is too long or holds control characters' };
      return { ok: true, client: Object.freeze({ name: payload.sub, fromJwt: true as const, ...(jwt.servers !== undefined && { servers: Object.freeze([...jwt.servers]) }) }) };
    } catch (error) {
      return { ok: false, reason: jwtRejection(error, module.errors) };
    }
  }

  return { required, jwt, authenticate };
}

/** Why a JWT was refused, from jose's error classes (never from their text). */
function jwtRejection(error: unknown, joseErrors: typeof import('jose').errors): string {
  if (error instanceof joseErrors.JWTExpired) return 'the JWT has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the JWT's "${error.claim}" claim is not what this gateway accepts`;
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the JWT is not signed by a key of the configured JWKS';
  // A fetch that failed is no JOSEError: the identity provider is unreachable, or answered something else.
  if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) return 'the JWKS could not be fetched to check the JWT';
  return 'the JWT is not valid';
}
