import { randomBytes, randomUUID } from 'node:crypto';

export interface GoTrueIdentity {
  identity_id: string;
  id: string;
  user_id: string;
  identity_data: { email: string; email_verified: boolean; phone_verified: boolean; sub: string };
  provider: 'email';
  last_sign_in_at: string;
  created_at: string;
  updated_at: string;
  email: string;
}

/** The user object as GoTrue serialises it; `last_sign_in_at` is omitted until the first sign-in, as in GoTrue. */
export interface GoTrueUser {
  id: string;
  aud: 'authenticated';
  role: 'authenticated';
  email: string;
  email_confirmed_at: string;
  phone: string;
  confirmed_at: string;
  last_sign_in_at?: string;
  app_metadata: { provider: string; providers: string[] };
  user_metadata: Record<string, unknown>;
  identities: GoTrueIdentity[];
  created_at: string;
  updated_at: string;
  is_anonymous: boolean;
}

export interface GoTrueUserRecord {
  user: GoTrueUser;
  /** Kept in clear text: this is a fake, and tests may want to read it back. */
  password: string;
}

export interface GoTrueSession {
  id: string;
  userId: string;
  createdAt: string;
  /** The only refresh token of this session that can still be exchanged. */
  refreshToken: string;
  /** Authentication methods reported in the `amr` claim of every access token of this session. */
  amr: { method: 'password'; timestamp: number }[];
}

export type RefreshOutcome =
  | { outcome: 'rotated'; session: GoTrueSession; user: GoTrueUser }
  | { outcome: 'not_found' }
  | { outcome: 'reused' };

/**
 * In-memory users, sessions and refresh tokens of the fake GoTrue.
 * @example const { user } = store.createUser({ email: 'a@example.com', password: 'secret1', metadata: {} });
 */
export class GoTrueStore {
  readonly users = new Map<string, GoTrueUserRecord>();
  readonly sessions = new Map<string, GoTrueSession>();
  private readonly userIdsByEmail = new Map<string, string>();
  /** Every refresh token ever issued for a live session, mapped to that session. */
  private readonly refreshTokenSessions = new Map<string, string>();
  private readonly refreshTokensBySession = new Map<string, string[]>();

  /** @example store.findUserByEmail('a@example.com')?.user.id */
  findUserByEmail(email: string): GoTrueUserRecord | undefined {
    const id = this.userIdsByEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  /**
   * Adds a confirmed email/password user (the fake always autoconfirms) with its email identity; the
   * caller has checked that the email is free.
   * @example store.createUser({ email: 'a@example.com', password: 'secret1', metadata: {} });
   */
  createUser(input: {
    email: string;
    password: string;
    metadata: Record<string, unknown>;
  }): GoTrueUserRecord {
    const now = new Date().toISOString();
    const id = randomUUID();
    const email = input.email.toLowerCase();
    const user: GoTrueUser = {
      id,
      aud: 'authenticated',
      role: 'authenticated',
      email,
      email_confirmed_at: now,
      phone: '',
      confirmed_at: now,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: input.metadata,
      identities: [
        {
          identity_id: randomUUID(),
          id,
          user_id: id,
          identity_data: { email, email_verified: true, phone_verified: false, sub: id },
          provider: 'email',
          last_sign_in_at: now,
          created_at: now,
          updated_at: now,
          email,
        },
      ],
      created_at: now,
      updated_at: now,
      is_anonymous: false,
    };
    const record = { user, password: input.password };
    this.users.set(id, record);
    this.userIdsByEmail.set(email, id);
    return record;
  }

  /**
   * Starts a password session for the user and stamps `last_sign_in_at`.
   * @example const session = store.signIn(user); session.refreshToken;
   */
  signIn(user: GoTrueUser): GoTrueSession {
    const now = new Date();
    user.last_sign_in_at = now.toISOString();
    user.updated_at = user.last_sign_in_at;
    const id = randomUUID();
    const session: GoTrueSession = {
      id,
      userId: user.id,
      createdAt: now.toISOString(),
      refreshToken: this.issueRefreshToken(id),
      amr: [{ method: 'password', timestamp: Math.floor(now.getTime() / 1000) }],
    };
    this.sessions.set(id, session);
    return session;
  }

  /**
   * Exchanges a refresh token for a new one. Presenting any earlier token of a session ends the whole
   * session, as GoTrue does on reuse detection. GoTrue also tolerates the immediate parent token and, for
   * 10 s, older ones; the fake does not, so a client that loses a rotated token is caught.
   * @example const result = store.refresh(token); if (result.outcome === 'rotated') result.session.refreshToken;
   */
  refresh(refreshToken: string): RefreshOutcome {
    const sessionId = this.refreshTokenSessions.get(refreshToken);
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    const record = session && this.users.get(session.userId);
    if (!session || !record) return { outcome: 'not_found' };
    if (session.refreshToken !== refreshToken) {
      this.endSession(session.id);
      return { outcome: 'reused' };
    }
    session.refreshToken = this.issueRefreshToken(session.id);
    return { outcome: 'rotated', session, user: record.user };
  }

  /**
   * Ends a session; its refresh tokens are forgotten and its access tokens stop being accepted.
   * @example store.endSession(session.id);
   */
  endSession(sessionId: string): void {
    this.sessions.delete(sessionId);
    for (const token of this.refreshTokensBySession.get(sessionId) ?? [])
      this.refreshTokenSessions.delete(token);
    this.refreshTokensBySession.delete(sessionId);
  }

  /**
   * Ends every session of a user, optionally keeping one.
   * @example store.endSessionsOfUser(user.id, { except: currentSession.id }); // logout scope=others
   */
  endSessionsOfUser(userId: string, { except }: { except?: string } = {}): void {
    for (const session of [...this.sessions.values()]) {
      if (session.userId === userId && session.id !== except) this.endSession(session.id);
    }
  }

  private issueRefreshToken(sessionId: string): string {
    const token = randomBytes(9).toString('base64url');
    this.refreshTokenSessions.set(token, sessionId);
    const issued = this.refreshTokensBySession.get(sessionId);
    if (issued) issued.push(token);
    else this.refreshTokensBySession.set(sessionId, [token]);
    return token;
  }
}
