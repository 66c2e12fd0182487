import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { applyDecorators, Controller, Get, Param, Query } from '@nestjs/common';
import { betaInterval95, betaMean } from '../engine';
import { findMacro } from '../knowledge';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService } from '../triage/engine.service';
import { CauseListDto, MacroDto, MacroLearningDto, MacroListDto, SymptomFixesDto, SymptomListDto } from './knowledge.dto';
import { PackListDto } from './pack.dto';

const round = (x: number) => Math.round(x * 1000) / 1000;

/** `?pack=`: which loaded pack to describe; an unknown id answers 404 PACK.NOT_FOUND. */
const PackQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'pack', required: false, description: 'A pack id (GET /v1/packs); default: the default pack' }),
    ApiNotFoundResponse({ type: ErrorResponse, description: 'No loaded pack of that id (PACK.NOT_FOUND)' }),
  );

/** The knowledge pack as the engine serves it, and what has been learned about its fixes. */
@ApiTags('knowledge')
@Controller('v1')
@RequireScope('agent')
export class KnowledgeController {
  constructor(
    private readonly engine: EngineService,
    private readonly fixStats: FixStatsService,
  ) {}

  @ApiOperation({ summary: 'The loaded knowledge packs: id, version, plugins, routing, and which is the default' })
  @ApiOkResponse({ type: PackListDto })
  @Get('packs')
  packs(): PackListDto {
    return { items: this.engine.list() };
  }

  @ApiOperation({ summary: 'Causes of the knowledge pack' })
  @ApiOkResponse({ type: CauseListDto })
  @PackQuery()
  @Get('causes')
  causes(@Query('pack') packId?: string): CauseListDto {
    const pack = this.engine.describe(packId);
    return { packId: this.engine.packOf(packId).id, packVersion: pack.version, items: pack.causes };
  }

  @ApiOperation({ summary: 'Symptoms of the knowledge pack with their cause weights' })
  @ApiOkResponse({ type: SymptomListDto })
  @PackQuery()
  @Get('symptoms')
  symptoms(@Query('pack') packId?: string): SymptomListDto {
    const pack = this.engine.describe(packId);
    return { packId: this.engine.packOf(packId).id, packVersion: pack.version, items: pack.symptoms };
  }

  @ApiOperation({ summary: 'Fix macros of the knowledge pack' })
  @ApiOkResponse({ type: MacroListDto })
  @PackQuery()
  @Get('macros')
  macros(@Query('pack') packId?: string): MacroListDto {
    const pack = this.engine.describe(packId);
    return { packId: this.engine.packOf(packId).id, packVersion: pack.version, items: pack.macros };
  }

  @ApiOperation({ summary: 'One macro by id or old id (alias)' })
  @ApiOkResponse({ type: MacroDto })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @PackQuery()
  @Get('macros/:id')
  macro(@Param('id') id: string, @Query('pack') packId?: string): MacroDto {
    const described = this.describedMacro(id, packId);
    return { packId: this.engine.packOf(packId).id, packVersion: this.engine.describe(packId).version, ...described };
  }

  /** Uses and resolution rate of one macro, overall and by cause and symptom, as Beta posteriors. */
  @ApiOperation({ summary: "A macro's learned resolution rate: overall, by cause and by symptom" })
  @ApiOkResponse({ type: MacroLearningDto })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @PackQuery()
  @Get('macros/:id/stats')
  async macroStats(@Param('id') id: string, @Query('pack') packId?: string): Promise<MacroLearningDto> {
    const described = this.describedMacro(id, packId);
    const pack = this.engine.packOf(packId);
    const macro = findMacro(pack.pack, id)!;
    const rows = await this.fixStats.forMacro([described.id, ...described.aliases], pack.id);
    const posterior = (successes: number, failures: number) => this.posterior(macro.prior, successes, failures);
    const causes = rows.filter((r) => r.dimension === 'cause');
    const overall = causes.reduce((a, r) => ({ s: a.s + Number(r.successes), f: a.f + Number(r.failures) }), { s: 0, f: 0 });
    return {
      packId: pack.id,
      macroId: described.id,
      title: described.title,
      prior: macro.prior,
      overall: posterior(overall.s, overall.f),
      byCause: causes.map((r) => ({ cause: r.key, ...posterior(Number(r.successes), Number(r.failures)) })),
      bySymptom: rows
        .filter((r) => r.dimension === 'symptom')
        .map((r) => ({ symptom: r.key, ...posterior(Number(r.successes), Number(r.failures)) })),
    };
  }

  /** Every fix tried on tickets with this symptom, best expected resolution rate first. */
  @ApiOperation({ summary: 'Fixes for a symptom ranked by learned resolution rate' })
  @ApiOkResponse({ type: SymptomFixesDto })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @PackQuery()
  @Get('symptoms/:id/fixes')
  async symptomFixes(@Param('id') id: string, @Query('pack') packId?: string): Promise<SymptomFixesDto> {
    const loaded = this.engine.packOf(packId);
    const pack = this.engine.describe(loaded.id);
    const symptom = pack.symptoms.find((s) => s.id === id);
    if (!symptom) throw new DomainError('SYMPTOM.NOT_FOUND', `No symptom ${id}`);
    const rows = await this.fixStats.forSymptom([id], loaded.id);
    const counts = new Map(rows.map((r) => [r.macro_id, r]));
    const relevant = new Set(symptom.causes.filter((c) => c.weight > 0).map((c) => c.id));
    const candidates = pack.macros.filter((m) => counts.has(m.id) || m.generic || m.causeIds.some((c) => relevant.has(c)));
    const fixes = candidates.map((m) => {
      const c = counts.get(m.id);
      const macro = findMacro(loaded.pack, m.id)!;
      return { macroId: m.id, title: m.title, ...this.posterior(macro.prior, Number(c?.successes ?? 0), Number(c?.failures ?? 0)) };
    });
    fixes.sort((a, b) => b.rate - a.rate || b.uses - a.uses);
    return { packId: loaded.id, symptom: id, fixes };
  }

  private describedMacro(id: string, packId?: string) {
    const found = findMacro(this.engine.packOf(packId).pack, id);
    const described = found && this.engine.describe(packId).macros.find((m) => m.id === found.id);
    if (!described) throw new DomainError('MACRO.NOT_FOUND', `No macro ${id}`);
    return described;
  }

  private posterior(prior: { alpha: number; beta: number }, successes: number, failures: number) {
    const a = prior.alpha + successes;
    const b = prior.beta + failures;
    const [lo, hi] = betaInterval95(a, b);
    return {
      uses: round(successes + failures),
      successes: round(successes),
      rate: round(betaMean(a, b)),
      interval: [round(lo), round(hi)] as [number, number],
    };
  }
}
