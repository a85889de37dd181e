import { ConfigError } from '@gaia/platform';
import { expect } from 'chai';
import { authConfigSchema, loadAuthConfig } from '../src/index.js';

const internal = { INTERNAL_AUTH_SECRET: 'i'.repeat(32) };
const jwtSecret = { SUPABASE_JWT_SECRET: 'j'.repeat(32) };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAuthConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('auth config', () => {
  it('has the documented defaults', () => {
    const config = loadAuthConfig({ ...internal, ...jwtSecret });
    expect(config).to.include({
      PORT: 8001,
      SERVICE_NAME: 'auth',
      ENVIRONMENT: 'dev',
      BOOTSTRAP_ADMIN_EMAIL: 'admin@gaia.local',
      ACCESS_TOKEN_TTL_SECONDS: 3600,
      REFRESH_TOKEN_TTL_SECONDS: 30 * 24 * 3600,
    });
    expect(config.SUPABASE_URL).to.equal(undefined);
    expect(config.API_KEY).to.equal(undefined);
  });

  it('needs SUPABASE_JWT_SECRET for the local provider, naming it together with every other bad variable', () => {
    const problems = problemsOf({ ...internal, PORT: 'eighty' });
    expect(
      problems.some((p) => p.startsWith('SUPABASE_JWT_SECRET: required by the local auth provider')),
    ).to.equal(true);
    expect(problems.some((p) => p.startsWith('PORT:'))).to.equal(true);
  });

  it('needs SUPABASE_ANON_KEY with SUPABASE_URL, and no JWT secret', () => {
    expect(problemsOf({ ...internal, SUPABASE_URL: 'https://project.supabase.co' })).to.deep.equal([
      'SUPABASE_ANON_KEY: required with SUPABASE_URL (the supabase provider calls GoTrue with it)',
    ]);
    expect(
      problemsOf({ ...internal, SUPABASE_URL: 'https://project.supabase.co', SUPABASE_ANON_KEY: 'anon' }),
    ).to.deep.equal([]);
  });

  it('refuses a short bootstrap key and an ENVIRONMENT that would break the key format', () => {
    const problems = problemsOf({ ...internal, ...jwtSecret, API_KEY: 'short', ENVIRONMENT: 'my_env' });
    expect(problems.map((p) => p.split(':')[0])).to.deep.equal(['API_KEY', 'ENVIRONMENT']);
  });

  it('describes every variable', () => {
    for (const [name, field] of Object.entries(authConfigSchema.shape)) {
      expect(field.description, name).to.be.a('string').that.is.not.empty;
    }
  });
});
