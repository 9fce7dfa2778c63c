import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { metricsRegistry } from '../../metrics/metrics';

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  /** Prometheus scrape endpoint. */
  @Get()
  async scrape(@Res() response: Response): Promise<void> {
    response.setHeader('Content-Type', metricsRegistry.contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.send(await metricsRegistry.metrics());
  }
}
