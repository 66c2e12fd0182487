import {
  ApiOkResponse,
  ApiAcceptedResponse,
  ApiOperation,
  ApiProperty,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { Audited } from '../audit/audited.decorator';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { InboxReplayService } from '../triage/inbox-replay.service';
import { EngineService } from '../triage/engine.service';
import { PackReloader } from '../triage/pack-reloader';
import { PackListDto } from './pack.dto';

export class ReplayAnswerDto {
  @ApiProperty({ example: 3, description: 'Failed inbox events enqueued again' }) replayed: number;
}

export class StatsRebuildAnswerDto {
  @ApiProperty({ description: 'Outcome rows read' }) outcomes: number;
  @ApiProperty({ description: 'Statistics cells written' }) cells: number;
}

@ApiTags('admin')
@Controller('v1/admin')
@RequireScope('admin')
export class AdminController {
  constructor(
    private readonly replay: InboxReplayService,
    private readonly fixStats: FixStatsService,
    private readonly engine: EngineService,
    private readonly packs: PackReloader,
  ) {}

  /** Failed inbox events are triaged again. */
  @ApiOperation({ summary: 'Triage failed inbox events again' })
  @ApiAcceptedResponse({ type: ReplayAnswerDto })
  @Audited('inbox.replay')
  @Post('inbox/replay-failed')
  @HttpCode(202)
  async replayFailed(@Query('limit') limit?: string): Promise<ReplayAnswerDto> {
    const n = Math.min(10_000, Math.max(1, Number(limit) || 1000));
    return { replayed: await this.replay.replayFailed(n) };
  }

  /** Fix statistics recomputed exactly from the outcome rows. */
  @ApiOperation({ summary: 'Recompute the fix statistics exactly from the outcome rows' })
  @ApiOkResponse({ type: StatsRebuildAnswerDto })
  @ApiQuery({ name: 'pack', required: false, description: "Rebuild only this pack's statistics; default: every pack's" })
  @Audited('stats.rebuild')
  @Post('stats/rebuild')
  @HttpCode(200)
  rebuildStats(@Query('pack') pack?: string): Promise<StatsRebuildAnswerDto> {
    return this.fixStats.rebuild(pack === undefined ? undefined : this.engine.packOf(pack).id);
  }

  /** Every process (API and workers) reads PACKS_DIR again; a pack that fails validation is refused whole. */
  @ApiOperation({ summary: 'Reload the knowledge packs from PACKS_DIR in every process' })
  @ApiOkResponse({ type: PackListDto, description: 'The packs now loaded' })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponse,
    description: 'PACK.INVALID: the file and field in details; the running packs stay',
  })
  @Audited('packs.reload')
  @Post('packs/reload')
  @HttpCode(200)
  async reloadPacks(): Promise<PackListDto> {
    return { items: await this.packs.reloadEverywhere() };
  }
}
