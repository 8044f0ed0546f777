import { AuditRecordEntity } from '../audit/audit-record.entity';
import { HoldEntity } from '../holds/hold.entity';
import { LoginFailureEntity } from '../identity/login-failure.entity';
import { UserEntity } from '../identity/user.entity';
import {
  EquipmentEntity,
  LineEntity,
  ProductEntity,
  RouteEntity,
  RouteStepEntity,
  SiteEntity,
  StationEntity,
} from '../master-data/master-data.entities';
import { CellEntity, RollEntity, RollLinkEntity, SheetEntity } from '../material/material.entities';
import { PatterningRunEntity, PatternLayoutEntity, ProductPatternLayoutEntity } from '../patterning/patterning.entities';
import { SheetCountCorrectionEntity } from '../scanning/sheet-count-correction.entity';
import { ScanEventEntity } from '../scanning/scan-event.entity';

export const TRACKING_ENTITIES = [
  UserEntity,
  LoginFailureEntity,
  SiteEntity,
  LineEntity,
  StationEntity,
  EquipmentEntity,
  ProductEntity,
  RouteEntity,
  RouteStepEntity,
  RollEntity,
  RollLinkEntity,
  SheetEntity,
  CellEntity,
  PatternLayoutEntity,
  ProductPatternLayoutEntity,
  PatterningRunEntity,
  ScanEventEntity,
  SheetCountCorrectionEntity,
  HoldEntity,
  AuditRecordEntity,
];
