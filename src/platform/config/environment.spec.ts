import { validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('applies the documented defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/triage',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      ROLE: 'all',
      INBOX_SWEEP_SECONDS: 60,
      LOG_LEVEL: 'info',
    });
    expect(env.ADMIN_API_KEY).toBeUndefined();
  });

  it('reads numbers from strings and treats empty values as unset', () => {
    const env = validateEnvironment({ PORT: '8080', INBOX_SWEEP_SECONDS: '5', ADMIN_API_KEY: '' });
    expect(env.PORT).toBe(8080);
    expect(env.INBOX_SWEEP_SECONDS).toBe(5);
    expect(env.ADMIN_API_KEY).toBeUndefined();
  });

  it('refuses bad values with a message naming each variable', () => {
    expect(() =>
      validateEnvironment({ PORT: 'eighty', ROLE: 'janitor', DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short' }),
    ).toThrow(/PORT[\s\S]*ROLE|ROLE[\s\S]*PORT/);
    try {
      validateEnvironment({ PORT: 'eighty', ROLE: 'janitor', DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short' });
    } catch (err) {
      const message = (err as Error).message;
      for (const name of ['PORT', 'ROLE', 'DATABASE_URL', 'ADMIN_API_KEY']) expect(message).toContain(name);
    }
  });
});
