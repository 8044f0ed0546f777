import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

/** CSV, STDF and E142 downloads (REST, /api/v1/exports) over test-data's stored results. */
@Module({ controllers: [ExportsController], providers: [ExportsRepository, ExportsService] })
export class ExportsModule {}
