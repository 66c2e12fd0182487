/**
 * The same framework (NestJS on Fastify, same body limit) answering POST /v1/tickets with 202 and doing no
 * work: the ceiling the ingest benchmark compares the real intake against.
 */
import 'reflect-metadata';
import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createFastifyAdapter } from '../src/bootstrap';

@Controller('v1/tickets')
class BaselineController {
  @Post()
  @HttpCode(202)
  accept() {
    return { id: randomUUID(), status: 'queued' };
  }
}

@Module({ controllers: [BaselineController] })
class BaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BaselineModule, createFastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stdout.write('baseline ready\n');
}

void main();
