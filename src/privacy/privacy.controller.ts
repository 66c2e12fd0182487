import { Controller, Delete, HttpCode, Param, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../platform/auth/api-key.guard';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { DomainError } from '../platform/errors/domain-error';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { ErasureService } from './erasure.service';

export class ErasureAnswerDto {
  @ApiProperty({ example: 3, description: 'Tickets erased now; 0 when none holds the address (any more)' }) tickets: number;
}

/** An address as requesters are stored: one @, no spaces, at most 320 characters. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

@ApiTags('admin')
@Controller('v1/requesters')
@RequireScope('admin')
export class PrivacyController {
  constructor(private readonly erasure: ErasureService) {}

  @ApiOperation({
    summary:
      "Erase a person's personal data (ticket text, requester, payloads, triage texts, notes, report phrases, queued jobs); " +
      'keeps ids, causes, outcomes and statistics; a second call answers {tickets: 0}',
  })
  @ApiOkResponse({ type: ErasureAnswerDto })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Not an email address' })
  @Delete(':email')
  @HttpCode(200)
  erase(@Param('email') email: string, @Req() req: AuthedRequest): Promise<ErasureAnswerDto> {
    if (!EMAIL.test(email))
      throw new DomainError('REQUEST.INVALID', "Give the requester's email address", ['email must be an email address']);
    return this.erasure.eraseRequester(email, req.principal?.name ?? 'unknown');
  }
}
