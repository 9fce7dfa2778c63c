import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { HealthRegistry, type ReadinessReport } from './health.registry';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthRegistry) private readonly health: HealthRegistry) {}

  /** The process runs and serves HTTP; restart it when this fails. */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'The process is alive' })
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  /** Every dependency is usable; send traffic only when this is 200. */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'Every readiness check passed' })
  @ApiServiceUnavailableResponse({ description: 'A readiness check failed, or the service is shutting down' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    response.status(report.status === 'ready' ? 200 : 503);
    return report;
  }
}
