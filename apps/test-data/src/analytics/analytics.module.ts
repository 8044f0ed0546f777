import { Module, type DynamicModule } from '@nestjs/common';
import { TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { TrackingClient } from '@mes/tracking-client';
import { AnalyticsQueue } from './analytics.queue';
import { CorrelationRepository, PatternsRepository, SheetMapsRepository, SpcRepository } from '@mes/test-data-store';
import { CorrelationService } from './correlation.service';
import { ProcessClient } from './process.client';
import { CorrelationResolver, PatternsResolver, RollAnalyticsResolver, SheetAnalyticsResolver, SpcResolver } from './analytics.resolver';
import { PatternsService } from './patterns.service';
import { SpcService } from './spc.service';

/**
 * Yield analytics (issue 12): SPC charts with frozen limits, run-rule events and holds; spatial
 * pattern classes of sheets and rolls; stacked maps. Kept up to date by the yield-analytics queue as
 * sheets finish binning.
 */
@Module({})
export class AnalyticsModule {
  static forConfig(config: MesConfig): DynamicModule {
    const tokens = new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds);
    return {
      module: AnalyticsModule,
      providers: [
        { provide: TrackingClient, useValue: new TrackingClient(config.tracking.url, tokens, 'test-data') },
        SheetMapsRepository,
        SpcRepository,
        PatternsRepository,
        CorrelationRepository,
        SpcService,
        PatternsService,
        { provide: ProcessClient, useValue: new ProcessClient(config.process.url, tokens) },
        CorrelationService,
        {
          provide: AnalyticsQueue,
          useFactory: (
            stored: PatternsRepository,
            maps: SheetMapsRepository,
            patterns: PatternsService,
            spc: SpcService,
            correlation: CorrelationService,
          ) =>
            new AnalyticsQueue(
              {
                redisUrl: config.redisUrl,
                redisMode: config.redisMode,
                prefix: config.queuePrefix,
                sweepSeconds: config.sweepIntervalSeconds,
                databaseUrl: config.databaseUrl,
              },
              stored,
              maps,
              patterns,
              spc,
              correlation,
            ),
          inject: [PatternsRepository, SheetMapsRepository, PatternsService, SpcService, CorrelationService],
        },
        SpcResolver,
        PatternsResolver,
        CorrelationResolver,
        SheetAnalyticsResolver,
        RollAnalyticsResolver,
      ],
      exports: [AnalyticsQueue, SpcService, PatternsService],
    };
  }
}
