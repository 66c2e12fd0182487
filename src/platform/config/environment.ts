import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, validateSync } from 'class-validator';
import { DEFAULT_GATE } from '../../engine/decision';

export const ROLES = ['api', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
/** Decimal numbers read the same way as integers; the decorators tell them apart. */
const toNumber = toInt;

const isFraction = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= 1;

/** A number from 0 to 1, with one message naming the variable. */
function IsFraction() {
  return ValidateBy({
    name: 'isFraction',
    validator: { validate: isFraction, defaultMessage: (args) => `${args?.property} must be a number from 0 to 1` },
  });
}

/** The value may not exceed another variable's; checked only when both are valid fractions. */
function NotAbove(other: 'WRITEBACK_MIN_CONFIDENCE') {
  return ValidateBy({
    name: 'notAbove',
    validator: {
      validate: (value, args) => {
        const bound = (args?.object as Record<string, unknown> | undefined)?.[other];
        return !isFraction(value) || !isFraction(bound) || value <= bound;
      },
      defaultMessage: (args) => `${args?.property} must not be above ${other}`,
    },
  });
}

/** Words that mark a key copied from an example rather than generated; refused in production. */
export const PLACEHOLDER_KEY_WORDS = ['change-me', 'changeme', 'example', 'secret', 'password', 'admin-key'] as const;
export const PRODUCTION_ADMIN_KEY_MIN = 24;

/** Why ADMIN_API_KEY is refused with this NODE_ENV, or null when it is acceptable (length 16+ is checked apart). */
export function adminKeyProblem(key: string, nodeEnv: unknown): string | null {
  if (nodeEnv !== 'production') return null;
  if (key.length < PRODUCTION_ADMIN_KEY_MIN) {
    return `ADMIN_API_KEY must be at least ${PRODUCTION_ADMIN_KEY_MIN} characters with NODE_ENV=production`;
  }
  const lower = key.toLowerCase();
  const word = PLACEHOLDER_KEY_WORDS.find((w) => lower.includes(w));
  return word
    ? `ADMIN_API_KEY contains the placeholder word "${word}": with NODE_ENV=production use a generated key (e.g. openssl rand -hex 24)`
    : null;
}

/** ADMIN_API_KEY in production: 24+ characters and no placeholder word. */
function AdminKeyRule() {
  const nodeEnv = (object: unknown) => (object as Record<string, unknown> | undefined)?.NODE_ENV;
  return ValidateBy({
    name: 'adminKeyRule',
    validator: {
      validate: (value, args) => typeof value !== 'string' || adminKeyProblem(value, nodeEnv(args?.object)) === null,
      defaultMessage: (args) => adminKeyProblem(String(args?.value), nodeEnv(args?.object)) ?? 'ADMIN_API_KEY is refused',
    },
  });
}

/** Every environment variable the service reads, validated once at boot. */
export class Environment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/triage';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_HOT_POOL_SIZE = 8;

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(ROLES)
  ROLE: Role = 'all';

  /** At least 16 characters; in production at least 24 and no placeholder word (see AdminKeyRule). */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_API_KEY must be at least 16 characters' })
  @AdminKeyRule()
  ADMIN_API_KEY?: string;

  /** Key prefix of every queue; the braces make it a Redis Cluster hash tag. */
  @Matches(/^[A-Za-z0-9:{}_-]{1,64}$/, { message: 'QUEUE_PREFIX may hold letters, digits, : { } _ - (1 to 64)' })
  QUEUE_PREFIX = '{triage}';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  INBOX_SWEEP_SECONDS = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  TRIAGE_CONCURRENCY = 64;

  /** Zendesk: webhook signing secret, API access for write-back, and its rate limit. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ZENDESK_WEBHOOK_SECRET must be at least 16 characters' })
  ZENDESK_WEBHOOK_SECRET?: string;

  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'ZENDESK_URL must be an http(s) URL, e.g. https://acme.zendesk.com' })
  ZENDESK_URL?: string;

  @IsOptional()
  @IsString()
  ZENDESK_EMAIL?: string;

  @IsOptional()
  @IsString()
  ZENDESK_API_TOKEN?: string;

  /** Id of the Zendesk user the service writes as: its own events are ignored. */
  @IsOptional()
  @IsString()
  ZENDESK_USER_ID?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  ZENDESK_RATE_LIMIT_PER_MINUTE = 100;

  /** Freshdesk: webhook authentication (basic auth or token), API access and rate limit. */
  @IsOptional()
  @IsString()
  FRESHDESK_WEBHOOK_USER?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'FRESHDESK_WEBHOOK_PASSWORD must be at least 16 characters' })
  FRESHDESK_WEBHOOK_PASSWORD?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'FRESHDESK_WEBHOOK_TOKEN must be at least 16 characters' })
  FRESHDESK_WEBHOOK_TOKEN?: string;

  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'FRESHDESK_URL must be an http(s) URL, e.g. https://acme.freshdesk.com' })
  FRESHDESK_URL?: string;

  @IsOptional()
  @IsString()
  FRESHDESK_API_KEY?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  FRESHDESK_RATE_LIMIT_PER_MINUTE = 80;

  /** Prefix of the tags written back (cause and symptom tags, and the applied-macro tags read). */
  @Matches(/^[a-z0-9_]{0,30}$/, { message: 'HELPDESK_TAG_PREFIX may hold a-z, 0-9 and _ (up to 30)' })
  HELPDESK_TAG_PREFIX = 'triage_';

  /** Log each write-back request instead of sending it. */
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  WRITEBACK_DRY_RUN = false;

  /**
   * Confidence at or above which a triage is `auto`: written back with its cause tag as is. Below it the
   * answer is `review`: the helpdesk gets a needs-review tag and the top causes, no cause tag.
   */
  @Transform(toNumber)
  @IsFraction()
  WRITEBACK_MIN_CONFIDENCE = DEFAULT_GATE.autoMin;

  /** Confidence at or above which a `review` answer is in band `medium` (else `low`); at most WRITEBACK_MIN_CONFIDENCE. */
  @Transform(toNumber)
  @IsFraction()
  @NotAbove('WRITEBACK_MIN_CONFIDENCE')
  BAND_MEDIUM_MIN = DEFAULT_GATE.mediumMin;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  HELPDESK_TIMEOUT_MS = 10_000;

  /** A reopen within this many days of a solve marks the fix as not resolved; later it is a new problem. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(365)
  OUTCOME_REOPEN_WINDOW_DAYS = 7;

  /** Macro ranking: `off` ranks by expected resolution rate; `thompson` samples, so rarely tried fixes get a chance. */
  @IsIn(['off', 'thompson'])
  EXPLORATION: 'off' | 'thompson' = 'off';

  /** Requests per minute one API key may make to the agent API (429 with Retry-After beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 1200;

  /** Requests per minute one key may post to the intake (POST /v1/tickets). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_INGEST_PER_MINUTE = 600_000;

  /** Failed authentications (API keys, webhooks, /queues) one client address may make per minute; 429 beyond. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  AUTH_FAILURE_LIMIT_PER_MINUTE = 20;

  /** Behind a reverse proxy: the client address is read from X-Forwarded-For (else it is the socket's peer). */
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  TRUST_PROXY = false;

  /** Milliseconds a client has to send a whole request (headers and body); 408 and the connection closed beyond. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** Milliseconds a connection may sit with nothing sent either way before it is closed. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HTTP_CONNECTION_TIMEOUT_MS = 120_000;

  /** Milliseconds an idle keep-alive connection is held open between requests. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 72_000;

  /** Weekly reports: ISO weeks and the Monday 06:00 schedule are in this IANA time zone. */
  @IsString()
  @Matches(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, { message: 'REPORT_TIMEZONE must be an IANA time zone such as Europe/Berlin' })
  REPORT_TIMEZONE = 'UTC';

  /** Optional Slack-compatible incoming webhook that receives each week's summary. */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'REPORT_WEBHOOK_URL must be an http(s) URL' })
  REPORT_WEBHOOK_URL?: string;

  /** Origins allowed to call the API from a browser, comma-separated; unset: CORS is off. */
  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^,\s]+(,\s*https?:\/\/[^,\s]+)*)$/, {
    message: 'CORS_ORIGINS must be * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS?: string;

  /** Port of the worker process's own /metrics (a worker serves no other HTTP); 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_METRICS_PORT = 9464;

  /** Seconds a worker holds a job; a job of a worker that died is taken over after about this long. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  JOB_LOCK_SECONDS = 30;

  /**
   * Port on which /metrics and /docs are served instead of the public port; unset: they share the API's port.
   * Bind it to a private interface or firewall it.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  OPS_PORT?: number;

  /** Serve the OpenAPI document and its UI (/docs, /docs/json). */
  @Transform(({ value }) => !(value === false || value === 'false' || value === '0'))
  @IsBoolean()
  DOCS_ENABLED = true;

  /** Minutes an event's updatedAt may lie ahead of the server's clock; later dates are refused (API) or clamped (webhooks). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_080)
  MAX_FUTURE_SKEW_MINUTES = 60;

  /** Tickets created more than this many days ago have their personal data erased daily; unset: kept. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_DAYS?: number;

  /** Outcomes a fix or symptom needs before the weekly report ranks it as a best fix or a knowledge gap. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  REPORT_MIN_SAMPLES = 5;

  /** Folder of knowledge packs, one sub-folder each (YAML plus fitted weights); unset: the bundled packs. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  PACKS_DIR?: string;

  /** The pack a ticket no pack's routing claims is triaged with; a folder name in PACKS_DIR. */
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    message: 'DEFAULT_PACK must be a pack folder name: lower-case letters, digits, _ and - (up to 64)',
  })
  DEFAULT_PACK = 'icloud-backup';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
}

/** Validates process.env; throws one error naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, stripEmpty(raw), { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return env;
}

function stripEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== '') out[k] = v;
  return out;
}
