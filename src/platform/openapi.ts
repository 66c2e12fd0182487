import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI generated from the controllers and DTOs: UI at /docs, JSON at /docs/json. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Ticket triage service')
    .setDescription(
      'Diagnoses iCloud Backup tickets from Zendesk, Freshdesk or any client, suggests the fix macro, ' +
        'learns from outcomes which fixes work. Errors always have the shape {error: {code, message, details?}}. ' +
        'Scopes: ingest (POST /v1/tickets), agent (other /v1 routes), admin (everything).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}
