import { DEFAULT_GATE } from '../../engine/decision';
import { validateEnvironment } from './environment';
import { missingAdminKeyNotice } from './app-config.service';

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
    expect(() => validateEnvironment({ PORT: 'eighty', ROLE: 'janitor', DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short' })).toThrow(
      /PORT[\s\S]*ROLE|ROLE[\s\S]*PORT/,
    );
    try {
      validateEnvironment({ PORT: 'eighty', ROLE: 'janitor', DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short' });
    } catch (err) {
      const message = (err as Error).message;
      for (const name of ['PORT', 'ROLE', 'DATABASE_URL', 'ADMIN_API_KEY']) expect(message).toContain(name);
    }
  });
});

describe('the write-back gate variables', () => {
  it('default to the engine’s gate', () => {
    const env = validateEnvironment({});
    expect(env.WRITEBACK_MIN_CONFIDENCE).toBe(DEFAULT_GATE.autoMin);
    expect(env.BAND_MEDIUM_MIN).toBe(DEFAULT_GATE.mediumMin);
  });

  it('read decimals from strings, bounds included', () => {
    expect(validateEnvironment({ WRITEBACK_MIN_CONFIDENCE: '0.95', BAND_MEDIUM_MIN: '0.4' })).toMatchObject({
      WRITEBACK_MIN_CONFIDENCE: 0.95,
      BAND_MEDIUM_MIN: 0.4,
    });
    expect(validateEnvironment({ WRITEBACK_MIN_CONFIDENCE: '1', BAND_MEDIUM_MIN: '0' })).toMatchObject({
      WRITEBACK_MIN_CONFIDENCE: 1,
      BAND_MEDIUM_MIN: 0,
    });
    expect(validateEnvironment({ WRITEBACK_MIN_CONFIDENCE: '0.6', BAND_MEDIUM_MIN: '0.6' }).BAND_MEDIUM_MIN).toBe(0.6);
  });

  it.each([
    [{ WRITEBACK_MIN_CONFIDENCE: 'high' }, /WRITEBACK_MIN_CONFIDENCE: .*number from 0 to 1/],
    [{ WRITEBACK_MIN_CONFIDENCE: '1.5' }, /WRITEBACK_MIN_CONFIDENCE: .*number from 0 to 1/],
    [{ BAND_MEDIUM_MIN: '-0.1' }, /BAND_MEDIUM_MIN: .*number from 0 to 1/],
    [{ WRITEBACK_MIN_CONFIDENCE: '0.3' }, /BAND_MEDIUM_MIN: BAND_MEDIUM_MIN must not be above WRITEBACK_MIN_CONFIDENCE/],
    [{ WRITEBACK_MIN_CONFIDENCE: '0.7', BAND_MEDIUM_MIN: '0.9' }, /BAND_MEDIUM_MIN must not be above WRITEBACK_MIN_CONFIDENCE/],
  ])('refuse %j with a message naming the variable', (raw, message) => {
    expect(() => validateEnvironment(raw)).toThrow(message);
  });

  it('say a bad gate once, without blaming the other variable for it', () => {
    expect(() => validateEnvironment({ WRITEBACK_MIN_CONFIDENCE: 'abc' })).toThrow(
      /^Invalid environment configuration:\n {2}WRITEBACK_MIN_CONFIDENCE: WRITEBACK_MIN_CONFIDENCE must be a number from 0 to 1$/,
    );
  });
});

describe('credentials', () => {
  const GOOD = 'f3a9c1e07b5d42a8e6c0d1b29f47a3e5';

  it('takes a 16-character admin key outside production and refuses a shorter one', () => {
    expect(validateEnvironment({ ADMIN_API_KEY: 'a'.repeat(16) }).ADMIN_API_KEY).toHaveLength(16);
    expect(() => validateEnvironment({ ADMIN_API_KEY: 'a'.repeat(15) })).toThrow(/ADMIN_API_KEY: .*at least 16/);
  });

  it('in production wants 24 characters and no placeholder word, and says why', () => {
    expect(validateEnvironment({ NODE_ENV: 'production', ADMIN_API_KEY: GOOD }).ADMIN_API_KEY).toBe(GOOD);
    expect(() => validateEnvironment({ NODE_ENV: 'production', ADMIN_API_KEY: 'a'.repeat(23) })).toThrow(
      /ADMIN_API_KEY: .*at least 24 characters with NODE_ENV=production/,
    );
    for (const key of [
      'change-me-local-admin-key',
      'my-EXAMPLE-key-0123456789abc',
      'super-secret-admin-0123456',
      'password0123456789abcdefgh',
      'prod-admin-key-0123456789abc',
    ]) {
      expect(() => validateEnvironment({ NODE_ENV: 'production', ADMIN_API_KEY: key })).toThrow(/ADMIN_API_KEY: .*placeholder word/);
    }
    // The same words are only a warning sign outside production.
    expect(validateEnvironment({ ADMIN_API_KEY: 'change-me-local-admin-key' }).ADMIN_API_KEY).toBe('change-me-local-admin-key');
  });

  it.each(['ZENDESK_WEBHOOK_SECRET', 'FRESHDESK_WEBHOOK_PASSWORD', 'FRESHDESK_WEBHOOK_TOKEN'])(
    '%s takes 16+ characters when set',
    (name) => {
      expect(() => validateEnvironment({ [name]: 'x' })).toThrow(new RegExp(`${name}: .*at least 16`));
      expect(validateEnvironment({ [name]: 'x'.repeat(16) })).toMatchObject({ [name]: 'x'.repeat(16) });
      expect(validateEnvironment({})[name as 'ZENDESK_WEBHOOK_SECRET']).toBeUndefined();
    },
  );
});

describe('missingAdminKeyNotice', () => {
  it('speaks for a production API without ADMIN_API_KEY only', () => {
    expect(missingAdminKeyNotice({ NODE_ENV: 'production', ROLE: 'all' })).toMatch(/ADMIN_API_KEY is unset: no admin key is created/);
    expect(missingAdminKeyNotice({ NODE_ENV: 'production', ROLE: 'api' })).not.toBeNull();
    expect(missingAdminKeyNotice({ NODE_ENV: 'production', ROLE: 'worker' })).toBeNull();
    expect(missingAdminKeyNotice({ NODE_ENV: 'production', ROLE: 'all', ADMIN_API_KEY: 'f3a9c1e07b5d42a8e6c0d1b2' })).toBeNull();
    expect(missingAdminKeyNotice({ NODE_ENV: 'development', ROLE: 'all' })).toBeNull();
  });
});
