import { Module, type DynamicModule } from '@nestjs/common';
import { TokenService } from '@mes/auth';
import { AuditModule } from '../test-data.modules';
import { ExportsController } from './exports.controller';
import { ExportsRepository, PickResultRepository } from '@mes/test-data-store';
import { ExportsService } from './exports.service';
import { PickResultService } from './pick-result.service';

/**
 * CSV, STDF and E142 downloads (REST, /api/v1/exports) over test-data's stored results, and pickers'
 * E142 pick results. In the service the token service and audit trail come from the global core
 * modules; register() brings its own for a stand-alone export server (integration test, bench).
 */
@Module({ controllers: [ExportsController], providers: [ExportsRepository, ExportsService, PickResultRepository, PickResultService] })
export class ExportsModule {
  static register(tokens: TokenService): DynamicModule {
    return { module: ExportsModule, imports: [AuditModule], providers: [{ provide: TokenService, useValue: tokens }] };
  }
}
