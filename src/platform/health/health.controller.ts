import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../errors/error-response.dto';
import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Queue } from 'bullmq';
import { Public } from '../auth/scopes.decorator';
import { DomainError } from '../errors/domain-error';
import { QueueName } from '../queue/queues';

@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(QueueName.Triage) private readonly triageQueue: Queue,
  ) {}

  /** The process is up. */
  @ApiOperation({ summary: 'The process is up' })
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Postgres and Redis both answer. */
  @ApiOperation({ summary: 'Postgres and Redis answer (503 when not)' })
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
              const client = await this.triageQueue.getBackend().client;
              // Any round trip proves the connection; IRedisClient exposes no PING.
              await client.get(`${this.triageQueue.name}:health`);
              return {};
            })
            .withTimeout(1500),
      ]);
    } catch (err) {
      const details = (err as { response?: unknown }).response;
      throw new DomainError('SERVICE.UNAVAILABLE', 'Not ready: a dependency does not answer', details);
    }
  }
}
