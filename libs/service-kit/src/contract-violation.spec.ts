import { Controller, Post } from '@nestjs/common';
import request from 'supertest';
import { crmContracts } from '@crm/contracts';
import { Public } from '@crm/platform/nest';
import { createHttpTestApp } from '@crm/platform/nest/testing';

/** A command handler whose event breaks its contract: what request validation must never let happen. */
@Controller('v1/broken')
class BrokenController {
  @Post()
  @Public()
  create() {
    const { contactId, at } = { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', at: '2026-01-01T00:00:00.000Z' };
    return crmContracts.prepareForAppend({ type: 'ContactArchived', data: { contactId, at, reason: null } });
  }
}

describe('an event that breaks its contract on the way to the store', () => {
  it('answers 500 revealing nothing, and logs the contract and its violations at error level', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await createHttpTestApp({
      controllers: [BrokenController],
      platform: { logging: { level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } } },
    });
    try {
      const response = await request(app.getHttpServer()).post('/v1/broken').set('x-correlation-id', 'bug-1').expect(500);
      expect(response.body).toMatchObject({ type: 'https://crm.example/problems/internal', status: 500 });
      expect(response.text).not.toMatch(/ContactArchived|reason|violat|additionalProperties/);
      const logged = lines.find((line) => line.correlationId === 'bug-1' && line.level === 'error');
      expect(logged).toMatchObject({
        msg: 'request failed',
        err: {
          type: 'ContractViolationError',
          eventType: 'ContactArchived',
          schemaVersion: 1,
          violations: [{ path: '/reason', message: 'is not allowed', keyword: 'additionalProperties' }],
        },
      });
    } finally {
      await app.close();
    }
  });
});
