import { Module, type DynamicModule } from '@nestjs/common';
import { TokenService } from '@mes/auth';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';
import { PickResultService } from './pick-result.service';
import { AuditService } from '../audit/audit.service';

/** CSV, STDF and E142 downloads (REST, /api/v1/exports) over test-data's stored results, and pickers' E142 pick results. */
@Module({})
export class ExportsModule {
  static register(tokens: TokenService): DynamicModule {
    return {
      module: ExportsModule,
      controllers: [ExportsController],
      providers: [{ provide: TokenService, useValue: tokens }, ExportsRepository, ExportsService, PickResultService, AuditService],
    };
  }
}
