import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetail {
  @ApiProperty({ example: 'REQUEST.INVALID', description: 'Namespaced error code' })
  code: string;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'What exactly was wrong: one line per problem, most naming the field (e.g. "description must be shorter than or equal to 65536 characters")',
    example: ['externalId must be a string'],
  })
  details?: string[];
}

/** The one error shape of the API. */
export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail })
  error: ErrorDetail;
}
