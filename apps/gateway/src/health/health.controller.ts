import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Response } from 'express';
import { routeListOf, type RouteEntry } from '@mes/service-core';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  private readonly routeList: () => { routes: RouteEntry[] };

  constructor(
    private readonly health: HealthService,
    adapter: HttpAdapterHost,
  ) {
    this.routeList = routeListOf(adapter);
  }

  /** The gateway's own HTTP routes (the /api/v1 paths it proxies are the services'). */
  @Get('routes')
  routes(): { routes: RouteEntry[] } {
    return this.routeList();
  }

  /** 200 when everything answers; 503 naming what is down. */
  @Get()
  async get(@Res() res: Response): Promise<void> {
    const report = await this.health.check();
    res.status(report.down.length ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK).json(report);
  }
}
