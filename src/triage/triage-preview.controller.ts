import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { EngineService } from './engine.service';
import { TriagePreviewDto } from './triage-preview.dto';

@Controller('v1/triage')
@RequireScope('agent')
export class TriagePreviewController {
  constructor(private readonly engine: EngineService) {}

  /** Triage computed now and stored nowhere. */
  @Post('preview')
  @HttpCode(200)
  preview(@Body() body: TriagePreviewDto) {
    return this.engine.triage({ subject: body.subject ?? '', description: body.description, requester: body.requester });
  }
}
