import { Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { TrackingClient } from '@mes/tracking-client';
import { AuditService } from '../audit/audit.service';
import { AnalyticsQueue } from './analytics.queue';
import { CorrelationService } from './correlation.service';
import { ProcessClient } from './process.client';
import { CorrelationResolver, PatternsResolver, RollAnalyticsResolver, SheetAnalyticsResolver, SpcResolver } from './analytics.resolver';
import { PatternsService } from './patterns.service';
import { SheetMapsRepository } from './sheet-maps.repository';
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
        AuditService,
        SheetMapsRepository,
        SpcService,
        PatternsService,
        { provide: ProcessClient, useValue: new ProcessClient(config.process.url, tokens) },
        CorrelationService,
        {
          provide: AnalyticsQueue,
          useFactory: (
            db: DataSource,
            maps: SheetMapsRepository,
            patterns: PatternsService,
            spc: SpcService,
            correlation: CorrelationService,
          ) =>
            new AnalyticsQueue(
              { redisUrl: config.redisUrl, prefix: config.queuePrefix, sweepSeconds: 30 },
              db,
              maps,
              patterns,
              spc,
              correlation,
            ),
          inject: [getDataSourceToken(), SheetMapsRepository, PatternsService, SpcService, CorrelationService],
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
