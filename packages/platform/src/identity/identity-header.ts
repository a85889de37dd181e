import { IDENTITY_HEADER, identity as identitySchema, type Identity } from '@gaia/contracts';
import type { RequestHandler } from 'express';
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../http/errors.js';

const ISSUER = 'gaia-gateway';
const AUDIENCE = 'gaia-internal';
const LIFETIME_SECONDS = 60;
// Re-sign well before expiry so a token never arrives at a service already expired.
const REUSE_MS = 20_000;

export interface IdentitySigner {
  /** The header value stating `identity`, valid for a minute. */
  sign(identity: Identity): string;
}

/**
 * Signs the identity header the gateway adds to every forwarded request. Tokens are reused for a few
 * seconds per identity, so signing costs nothing on the hot path.
 * @example proxyReq.setHeader(IDENTITY_HEADER, signer.sign({ auth_type: 'jwt', user_id }));
 */
export function createIdentitySigner(secret: string, now: () => number = Date.now): IdentitySigner {
  const recent = new Map<string, { token: string; until: number }>();
  return {
    sign(identity) {
      const key = JSON.stringify(identity);
      const cached = recent.get(key);
      const time = now();
      if (cached && cached.until > time) return cached.token;
      const token = jwt.sign({ gaia: identity }, secret, {
        algorithm: 'HS256',
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn: LIFETIME_SECONDS,
      });
      if (recent.size > 10_000) recent.clear();
      recent.set(key, { token, until: time + REUSE_MS });
      return token;
    },
  };
}

// Given a string, jsonwebtoken first tries to parse it as a public key (and fails) on every call.
const secretKeys = new Map<string, KeyObject>();
const secretKey = (secret: string) => {
  let key = secretKeys.get(secret);
  if (!key) secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret))));
  return key;
};

interface VerifiedIdentity {
  identity: Identity;
  /** When the token expires, in milliseconds since the epoch. */
  expiresAt: number;
}

function verifyToken(secret: string, token: string): VerifiedIdentity | undefined {
  try {
    const claims = jwt.verify(token, secretKey(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as { gaia?: unknown; exp?: number };
    const parsed = identitySchema.safeParse(claims.gaia);
    return parsed.success ? { identity: parsed.data, expiresAt: (claims.exp ?? 0) * 1000 } : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies an identity header value; undefined when missing, forged or expired. */
export function verifyIdentity(secret: string, token: string | undefined): Identity | undefined {
  return token ? verifyToken(secret, token)?.identity : undefined;
}

/**
 * Services accept only requests that carry the gateway's signed identity, so a pod reached directly
 * cannot bypass authentication. Sets `res.locals.identity`. The gateway reuses a token for many
 * requests, so a verified token is remembered until it expires instead of being checked again.
 * @example app.use('/api', requireIdentity(config.INTERNAL_AUTH_SECRET));
 */
export function requireIdentity(secret: string): RequestHandler {
  const verified = new Map<string, VerifiedIdentity>();
  const identityOf = (token: string | undefined) => {
    if (!token) return undefined;
    const cached = verified.get(token);
    if (cached && cached.expiresAt > Date.now()) return cached.identity;
    const fresh = verifyToken(secret, token);
    if (!fresh) return undefined;
    if (verified.size >= 10_000) verified.clear();
    verified.set(token, fresh);
    return fresh.identity;
  };
  return (req, res, next) => {
    const identity = identityOf(req.get(IDENTITY_HEADER));
    if (!identity)
      throw new UnauthorizedError(
        'Missing or invalid gateway identity; call this service through the gateway',
      );
    res.locals.identity = identity;
    next();
  };
}
