import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';

@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    try {
      await this.db.query('SELECT 1');
      res.status(HttpStatus.OK).json({ status: 'ok', service: 'tracking' });
    } catch (e) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({ status: 'down', service: 'tracking', down: ['postgresql'], error: e instanceof Error ? e.message : String(e) });
    }
  }
}
