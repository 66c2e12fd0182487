import { Controller, Get, Param } from '@nestjs/common';
import { findMacro } from '../knowledge';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService } from '../triage/engine.service';

/** The knowledge pack as the engine serves it. */
@Controller('v1')
@RequireScope('agent')
export class KnowledgeController {
  constructor(private readonly engine: EngineService) {}

  @Get('causes')
  causes() {
    const pack = this.engine.describe();
    return { packVersion: pack.version, items: pack.causes };
  }

  @Get('symptoms')
  symptoms() {
    const pack = this.engine.describe();
    return { packVersion: pack.version, items: pack.symptoms };
  }

  @Get('macros')
  macros() {
    const pack = this.engine.describe();
    return { packVersion: pack.version, items: pack.macros };
  }

  @Get('macros/:id')
  macro(@Param('id') id: string) {
    const found = findMacro(this.engine.pack, id);
    if (!found) throw new DomainError('MACRO.NOT_FOUND', `No macro ${id}`);
    const described = this.engine.describe().macros.find((m) => m.id === found.id);
    return { packVersion: this.engine.packVersion, ...described };
  }
}
