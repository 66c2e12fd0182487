import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../errors/error-response.dto';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/scopes.decorator';
import { DomainError } from '../errors/domain-error';
import { JobQueue } from '../queue/job-queue';

class LiveDto {
  @ApiProperty({ example: 'ok' }) status: string;
}

/** Terminus's answer: each dependency with its status. */
class ReadyDto {
  @ApiProperty({ example: 'ok' }) status: string;
  @ApiProperty({ description: 'Dependencies that answer', example: { postgres: { status: 'up' }, redis: { status: 'up' } } })
  info: Record<string, { status: string }>;
  @ApiProperty({ description: 'Dependencies that do not answer (empty when ready)', example: {} })
  error: Record<string, { status: string }>;
  @ApiProperty({ description: 'Every dependency with its status' }) details: Record<string, { status: string }>;
}

@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly jobs: JobQueue,
  ) {}

  /** The process is up. */
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: LiveDto })
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Postgres and Redis both answer. */
  @ApiOperation({ summary: 'Postgres and Redis answer (503 when not)' })
  @ApiOkResponse({ type: ReadyDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponse })
  @Get('ready')
  @HealthCheck()
  async ready() {
    try {
      return await this.health.check([
        () => this.database.pingCheck('postgres').withTimeout(1500),
        () =>
          this.indicators
            .check('redis')
            .attempt(async () => {
              await this.jobs.isAlive();
              return {};
            })
            .withTimeout(1500),
      ]);
    } catch (err) {
      throw new DomainError('SERVICE.UNAVAILABLE', 'Not ready: a dependency does not answer', downDependencies(err));
    }
  }
}

/** "postgres: down" lines from terminus's failed check (its response maps each indicator to its status). */
function downDependencies(err: unknown): string[] {
  const response = (err as { response?: { error?: Record<string, { status?: string; message?: string }> } }).response;
  return Object.entries(response?.error ?? {}).map(([name, r]) => `${name}: ${r.status ?? 'down'}${r.message ? ` (${r.message})` : ''}`);
}
