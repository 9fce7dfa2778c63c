import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJsonResponse } from '../openapi/schemas';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { HealthRegistry, type ReadinessReport } from './health.registry';

const LIVE = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['alive'] } },
};

const READINESS = {
  type: 'object',
  required: ['status', 'checks'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    draining: { type: 'boolean', enum: [true], description: 'Shutdown began: stop sending traffic.' },
    checks: {
      type: 'object',
      description: 'Each dependency by name.',
      additionalProperties: {
        type: 'object',
        required: ['status', 'durationMs'],
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['up', 'down'] },
          durationMs: { type: 'number', minimum: 0 },
          reason: { type: 'string', enum: ['failed', 'timeout'] },
        },
      },
    },
  },
};

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthRegistry) private readonly health: HealthRegistry) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness', description: 'The process runs and serves HTTP; restart it when this fails.' })
  @ApiJsonResponse(200, LIVE, { description: 'The process is alive' })
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Readiness', description: 'Every dependency is usable; send traffic only when this is 200.' })
  @ApiJsonResponse(200, READINESS, { description: 'Every readiness check passed' })
  @ApiJsonResponse(503, READINESS, { description: 'A readiness check failed, or the service is shutting down' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    response.status(report.status === 'ready' ? 200 : 503);
    return report;
  }
}
