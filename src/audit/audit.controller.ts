import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { AuditPageDto, ListAuditQuery } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('admin')
@Controller('v1/audit')
@RequireScope('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @ApiOperation({ summary: 'The admin audit log, newest first, with cursor pagination: {items, nextCursor}' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @Get()
  list(@Query() query: ListAuditQuery): Promise<AuditPageDto> {
    return this.audit.list(query.limit, query.cursor);
  }
}
