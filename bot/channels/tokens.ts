import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a Direct Line token grants: one conversation, for one user, until `expiresAt`. */
export interface TokenClaims {
  conversationId: string;
  userId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/**
 * Signed, expiring Direct Line tokens bound to one conversation: `base64url(claims).base64url(hmac)`.
 * @remarks Stateless (no token table): a token is valid when its HMAC-SHA256 matches and it has
 * not expired. Without a configured secret, a random key per process is used, so tokens end
 * with a restart; several instances behind a load balancer need DIRECTLINE_TOKEN_SECRET.
 */
export class TokenSigner {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  issue(conversationId: string, userId: string): { token: string; expiresIn: number; claims: TokenClaims } {
    const claims: TokenClaims = { conversationId, userId, expiresAt: Math.floor(this.now() / 1000) + this.ttlSeconds };
    const payload = Buffer.from(JSON.stringify({ c: claims.conversationId, u: claims.userId, e: claims.expiresAt })).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expiresIn: this.ttlSeconds, claims };
  }

  /** @returns the claims, or a reason why the token is not accepted */
  verify(token: string): { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' } {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0 || token.length > 1024) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
    let raw: { c?: unknown; u?: unknown; e?: unknown };
    try {
      raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof raw;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof raw.c !== 'string' || typeof raw.u !== 'string' || typeof raw.e !== 'number') return { ok: false, reason: 'malformed' };
    if (raw.e * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { conversationId: raw.c, userId: raw.u, expiresAt: raw.e } };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
