import { randomBytes } from 'node:crypto';
import { Prisma, type PrismaClient } from '@gaia/platform';
import { hashSecret } from '../../hash-secret.js';
import { verifyAccessToken } from '../access-token.js';
import { AuthProviderError, type AuthProvider } from '../provider.js';
import { hashPassword, verifyPassword } from './password.js';
import { buildSession } from './session.js';

export interface LocalProviderOptions {
  prisma: PrismaClient;
  /** Signs and verifies access tokens (SUPABASE_JWT_SECRET). */
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  now?: () => Date;
}

// GoTrue's messages, so clients see the same text whichever provider answers.
const INVALID_CREDENTIALS = 'Invalid login credentials';
const UNKNOWN_REFRESH_TOKEN = 'Invalid Refresh Token: Refresh Token Not Found';

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * The built-in provider: users in PostgreSQL with scrypt password hashes, HS256 access tokens, and
 * refresh tokens stored as SHA-256 and rotated on every use.
 * @example const provider = createLocalProvider({ prisma, jwtSecret, accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 2592000 });
 */
export function createLocalProvider({
  prisma,
  jwtSecret,
  accessTokenTtlSeconds,
  refreshTokenTtlSeconds,
  now = () => new Date(),
}: LocalProviderOptions): AuthProvider {
  const startSession = async (user: Prisma.UserModel) => {
    const issuedAt = Math.floor(now().getTime() / 1000);
    const refreshToken = randomBytes(32).toString('base64url');
    await prisma.refreshToken.create({
      data: {
        userId: user.id,
        tokenHash: hashSecret(refreshToken),
        expiresAt: new Date((issuedAt + refreshTokenTtlSeconds) * 1000),
      },
    });
    return buildSession({
      user,
      refreshToken,
      secret: jwtSecret,
      issuedAt,
      ttlSeconds: accessTokenTtlSeconds,
    });
  };

  return {
    id: 'local',

    async register({ email, password }) {
      const passwordHash = await hashPassword(password);
      const user = await prisma.user
        .create({ data: { email: email.toLowerCase(), passwordHash } })
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? new AuthProviderError('User already registered') : error;
        });
      return startSession(user);
    },

    async login({ email, password }) {
      const user = await prisma.user.findUnique({ where: { email: email.toLowerCase() } });
      if (!user?.passwordHash) {
        // Spend the same time as a wrong password, so response times do not tell which emails exist.
        await hashPassword(password);
        throw new AuthProviderError(INVALID_CREDENTIALS);
      }
      if (!(await verifyPassword(password, user.passwordHash)))
        throw new AuthProviderError(INVALID_CREDENTIALS);
      return startSession(user);
    },

    async refresh(refreshToken) {
      const tokenHash = hashSecret(refreshToken);
      const time = now();
      // Revoking is the claim: one conditional UPDATE, so two concurrent uses of a token cannot both win.
      const { count } = await prisma.refreshToken.updateMany({
        where: { tokenHash, revokedAt: null, expiresAt: { gt: time } },
        data: { revokedAt: time },
      });
      const claimed =
        count === 1
          ? await prisma.refreshToken.findUnique({ where: { tokenHash }, include: { user: true } })
          : null;
      if (!claimed) throw new AuthProviderError(UNKNOWN_REFRESH_TOKEN);
      return startSession(claimed.user);
    },

    async logout({ userId }) {
      await prisma.refreshToken.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: now() },
      });
    },

    verifyAccessToken: async (token) => verifyAccessToken(jwtSecret, token),
  };
}
