import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetail {
  @ApiProperty({ example: 'REQUEST.INVALID', description: 'Namespaced error code' })
  code: string;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiPropertyOptional({ description: 'What exactly was wrong, e.g. one message per invalid field' })
  details?: unknown;
}

/** The one error shape of the API. */
export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail })
  error: ErrorDetail;
}
