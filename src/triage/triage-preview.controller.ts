import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { EngineService } from './engine.service';
import { TriagePreviewDto } from './triage-preview.dto';
import { TriageResultDto } from './triage-result.dto';

@ApiTags('triage')
@Controller('v1/triage')
@RequireScope('agent')
export class TriagePreviewController {
  constructor(
    private readonly engine: EngineService,
    private readonly fixStats: FixStatsService,
  ) {}

  /** Triage computed now and stored nowhere. */
  @ApiOperation({ summary: 'Triage a text now; nothing is stored' })
  @ApiOkResponse({ type: TriageResultDto, description: 'With the decision and band the configured gate gives' })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No loaded pack of that id (PACK.NOT_FOUND)' })
  @ApiQuery({ name: 'pack', required: false, description: 'The pack to triage with (GET /v1/packs); default: the default pack' })
  @Post('preview')
  @HttpCode(200)
  async preview(@Body() body: TriagePreviewDto, @Query('pack') pack?: string) {
    const packId = this.engine.packOf(pack).id;
    const input = { subject: body.subject ?? '', description: body.description, requester: body.requester };
    return this.engine.triage(input, await this.fixStats.snapshot(packId), undefined, packId);
  }
}
