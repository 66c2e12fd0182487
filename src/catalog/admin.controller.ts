import { ApiOkResponse, ApiAcceptedResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { Audited } from '../audit/audited.decorator';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { InboxReplayService } from '../triage/inbox-replay.service';

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
  @Audited('stats.rebuild')
  @Post('stats/rebuild')
  @HttpCode(200)
  rebuildStats(): Promise<StatsRebuildAnswerDto> {
    return this.fixStats.rebuild();
  }
}
