import { Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MesConfig } from '@mes/config';
import { LiveController } from './live.controller';
import { SheetEventsService } from './sheet-events.service';

/** Live updates for the web UI's sheet pages (server-sent events at /api/v1/live). */
@Module({})
export class LiveModule {
  static forConfig(config: MesConfig): DynamicModule {
    return {
      module: LiveModule,
      controllers: [LiveController],
      providers: [
        {
          provide: SheetEventsService,
          useFactory: (db: DataSource) => new SheetEventsService(db, { url: config.redisUrl, mode: config.redisMode }, config.queuePrefix),
          inject: [getDataSourceToken()],
        },
      ],
    };
  }
}
