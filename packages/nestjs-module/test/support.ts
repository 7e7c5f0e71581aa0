import type { DynamicModule, INestApplication, LoggerService, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';

/** A Nest application of `module`, listening on a free loopback port. */
export async function listen(module: Type | DynamicModule, logger: LoggerService | false = false): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

/** A logger that keeps every line, to assert what was logged. */
export class MemoryLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(`log ${String(message)}`);
  }
  warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`error ${String(message)}`);
  }
}

/** Sends `count` GET requests at once; resolves to their statuses and JSON bodies. */
export async function getAll(url: string, count: number): Promise<{ status: number; body: unknown }[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(url);
      return { status: response.status, body: await response.json() };
    }),
  );
}
