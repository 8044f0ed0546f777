import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  EquipmentEntity,
  LineEntity,
  ProductEntity,
  RouteEntity,
  RouteStepEntity,
  SiteEntity,
  StationEntity,
} from './master-data.entities';
import type { EquipmentModel, LineModel, StationModel } from './master-data.model';

/** A master-data table whose rows carry a unique code. */
export type CodedEntity = typeof SiteEntity | typeof LineEntity | typeof StationEntity | typeof EquipmentEntity | typeof ProductEntity;

/** Sites, lines, stations, equipment, products and route versions; a write takes the manager of the service's transaction. */
@Injectable()
export class MasterDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  codeExists(m: EntityManager, entity: CodedEntity, code: string): Promise<boolean> {
    return m.exists(entity, { where: { code } });
  }

  // ---- sites, lines, stations, equipment

  insertSite(m: EntityManager, site: { code: string; name: string }): Promise<SiteEntity> {
    return m.save(m.create(SiteEntity, site));
  }

  insertLine(m: EntityManager, line: { code: string; name: string; siteId: string }): Promise<LineEntity> {
    return m.save(m.create(LineEntity, line));
  }

  insertStation(m: EntityManager, station: { code: string; name: string; operation: string; lineId: string }): Promise<StationEntity> {
    return m.save(m.create(StationEntity, station));
  }

  insertEquipment(m: EntityManager, equipment: { code: string; name: string; kind: string; stationId: string }): Promise<EquipmentEntity> {
    return m.save(m.create(EquipmentEntity, equipment));
  }

  siteByCode(code: string, m: EntityManager = this.db.manager): Promise<SiteEntity | null> {
    return m.findOne(SiteEntity, { where: { code } });
  }

  lineByCode(code: string, m: EntityManager = this.db.manager): Promise<LineEntity | null> {
    return m.findOne(LineEntity, { where: { code } });
  }

  stationByCode(code: string, m: EntityManager = this.db.manager): Promise<StationEntity | null> {
    return m.findOne(StationEntity, { where: { code } });
  }

  stationById(id: string, m: EntityManager = this.db.manager): Promise<StationEntity | null> {
    return m.findOne(StationEntity, { where: { id } });
  }

  /** The stations that run an operation, by code. */
  stationsForOperation(operation: string, m: EntityManager = this.db.manager): Promise<StationEntity[]> {
    return m.find(StationEntity, { where: { operation }, order: { code: 'ASC' } });
  }

  stationsByCodes(codes: string[]): Promise<StationEntity[]> {
    return this.db.getRepository(StationEntity).find({ where: { code: In(codes) } });
  }

  equipmentByCode(code: string, m: EntityManager = this.db.manager): Promise<EquipmentEntity | null> {
    return m.findOne(EquipmentEntity, { where: { code } });
  }

  sites(): Promise<SiteEntity[]> {
    return this.db.getRepository(SiteEntity).find({ order: { code: 'ASC' } });
  }

  async lines(): Promise<LineModel[]> {
    const rows = await this.db.query<{ code: string; name: string; site_code: string }[]>(
      `SELECT l.code, l.name, s.code AS site_code FROM tracking.lines l JOIN tracking.sites s ON s.id = l.site_id ORDER BY l.code`,
    );
    return rows.map((r) => ({ code: r.code, name: r.name, siteCode: r.site_code }));
  }

  /** Stations with their line, all or those of one operation. */
  async stations(operation?: string): Promise<StationModel[]> {
    const rows = await this.db.query<{ code: string; name: string; operation: string; line_code: string }[]>(
      `SELECT st.code, st.name, st.operation, l.code AS line_code
         FROM tracking.stations st JOIN tracking.lines l ON l.id = st.line_id
        WHERE ($1::text IS NULL OR st.operation = $1) ORDER BY st.code`,
      [operation ?? null],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, operation: r.operation, lineCode: r.line_code }));
  }

  /** Equipment with its station, all or that of one station. */
  async equipment(stationCode?: string): Promise<EquipmentModel[]> {
    const rows = await this.db.query<{ code: string; name: string; kind: string; station_code: string }[]>(
      `SELECT e.code, e.name, e.kind, st.code AS station_code
         FROM tracking.equipment e JOIN tracking.stations st ON st.id = e.station_id
        WHERE ($1::text IS NULL OR st.code = $1) ORDER BY e.code`,
      [stationCode ?? null],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, stationCode: r.station_code }));
  }

  // ---- products and routes

  insertProduct(m: EntityManager, product: Partial<ProductEntity>): Promise<ProductEntity> {
    return m.save(m.create(ProductEntity, product));
  }

  products(): Promise<ProductEntity[]> {
    return this.db.getRepository(ProductEntity).find({ order: { code: 'ASC' } });
  }

  /** How many products there are (the demo seeder seeds an empty line only). */
  productCount(): Promise<number> {
    return this.db.getRepository(ProductEntity).count();
  }

  productByCode(code: string, m: EntityManager = this.db.manager): Promise<ProductEntity | null> {
    return m.findOne(ProductEntity, { where: { code } });
  }

  /** The product row locked for the caller's transaction (route versions are numbered under it). */
  productByCodeForUpdate(m: EntityManager, code: string): Promise<ProductEntity | null> {
    return m.findOne(ProductEntity, { where: { code }, lock: { mode: 'pessimistic_write' } });
  }

  productById(id: string, m: EntityManager = this.db.manager): Promise<ProductEntity> {
    return m.findOneOrFail(ProductEntity, { where: { id } });
  }

  routesOfProduct(productId: string): Promise<RouteEntity[]> {
    return this.db.getRepository(RouteEntity).find({ where: { productId }, order: { version: 'DESC' } });
  }

  /** The product's newest route version. */
  currentRoute(productId: string, m: EntityManager = this.db.manager): Promise<RouteEntity | null> {
    return m.findOne(RouteEntity, { where: { productId }, order: { version: 'DESC' } });
  }

  routeSteps(routeId: string, m: EntityManager = this.db.manager): Promise<RouteStepEntity[]> {
    return m.find(RouteStepEntity, { where: { routeId }, order: { seq: 'ASC' } });
  }

  insertRoute(m: EntityManager, route: { productId: string; version: number; createdBy: string }): Promise<RouteEntity> {
    return m.save(m.create(RouteEntity, route));
  }

  async insertRouteSteps(m: EntityManager, steps: Partial<RouteStepEntity>[]): Promise<void> {
    await m.insert(RouteStepEntity, steps);
  }
}
