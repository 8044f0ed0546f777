import { Module, type DynamicModule } from '@nestjs/common';
import type { MesConfig } from '@mes/config';
import { LiveController } from './live.controller';
import { SheetEventsService } from './sheet-events.service';
import { SheetProgressRepository } from '@mes/test-data-store';

/** Live updates for the web UI's sheet pages (server-sent events at /api/v1/live). */
@Module({})
export class LiveModule {
  static forConfig(config: MesConfig): DynamicModule {
    return {
      module: LiveModule,
      controllers: [LiveController],
      providers: [
        SheetProgressRepository,
        {
          provide: SheetEventsService,
          useFactory: (progress: SheetProgressRepository) =>
            new SheetEventsService(progress, { url: config.redisUrl, mode: config.redisMode }, config.queuePrefix),
          inject: [SheetProgressRepository],
        },
      ],
    };
  }
}
