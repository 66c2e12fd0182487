import { DEFAULT_GATE } from '../../engine/decision';
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
