import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * OpenAPI generated from the controllers and DTOs of `app`: UI at /docs, JSON at /docs/json, served by `server`
 * (the app itself, or the operations listener when OPS_PORT is set).
 */
export function setupOpenApi(app: INestApplication, server: Pick<INestApplication, 'getHttpAdapter'> = app): void {
  const config = new DocumentBuilder()
    .setTitle('Ticket triage service')
    .setDescription(
      'Diagnoses iCloud Backup tickets from Zendesk, Freshdesk or any client, suggests the fix macro, ' +
        'learns from outcomes which fixes work. Errors always have the shape {error: {code, message, details?}}. ' +
        'Scopes: ingest (POST /v1/tickets), agent (other /v1 routes), admin (everything).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque API key', description: 'An API key' }, 'api-key')
    .build();
  // Readable operation ids for generated clients: TicketsController.detail -> ticketsDetail.
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}${method.replace(/^./, (c) => c.toUpperCase())}`,
  });
  nullableReferences(document);
  // SwaggerModule reads only the HTTP adapter of the app it serves on (and an unset global prefix).
  SwaggerModule.setup('docs', server as INestApplication, document, { jsonDocumentUrl: 'docs/json' });
}

/**
 * A DTO property typed as a class and marked nullable must accept null. OpenAPI 3.0 ignores every keyword beside
 * a `$ref`, and a `type: object` beside `allOf` refuses null again; written as `{nullable: true, allOf: [{$ref}]}`,
 * the document says what the API answers.
 */
export function nullableReferences(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) nullableReferences(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if (typeof schema.$ref === 'string' && schema.nullable === true) {
    const ref = schema.$ref;
    delete schema.$ref;
    schema.allOf = [{ $ref: ref }];
  }
  // Nest writes `type: object` beside such an allOf; with it, null is still refused by the type.
  if (schema.nullable === true && Array.isArray(schema.allOf)) delete schema.type;
  for (const value of Object.values(schema)) nullableReferences(value);
}
