import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { cellActiveAreaCm2, layoutProblems } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import {
  EquipmentEntity,
  LineEntity,
  ProductEntity,
  RouteEntity,
  RouteStepEntity,
  SiteEntity,
  StationEntity,
} from './master-data.entities';
import type {
  CreateEquipmentInput,
  CreateLineInput,
  CreateProductInput,
  CreateRouteVersionInput,
  CreateSiteInput,
  CreateStationInput,
  EquipmentModel,
  LineModel,
  ProductModel,
  RouteModel,
  RouteStepInput,
  StationModel,
  UnitLevelEnum,
} from './master-data.model';
import { queueTimeProblem, routeProblem } from './route-rules';

@Injectable()
export class MasterDataService {
  // Route versions never change once written, so their steps can be cached for good.
  private readonly stepsByRoute = new Map<string, RouteStepEntity[]>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  // ---- sites, lines, stations, equipment

  async createSite(actor: Actor, input: CreateSiteInput) {
    return this.db.transaction(async (m) => {
      await this.refuseDuplicate(m, SiteEntity, input.code, 'Site');
      const site = await m.save(m.create(SiteEntity, input));
      await this.audit.record(m, { actor: actor.username, action: 'CREATE_SITE', entityType: 'Site', entityKey: site.code, after: input });
      return site;
    });
  }

  async createLine(actor: Actor, input: CreateLineInput): Promise<LineModel> {
    return this.db.transaction(async (m) => {
      const site = await m.findOne(SiteEntity, { where: { code: input.siteCode } });
      if (!site)
        throw new DomainError('NOT_FOUND', `Unknown site ${input.siteCode}`, [
          { path: 'input.siteCode', message: 'expected an existing site code' },
        ]);
      await this.refuseDuplicate(m, LineEntity, input.code, 'Line');
      const line = await m.save(m.create(LineEntity, { code: input.code, name: input.name, siteId: site.id }));
      await this.audit.record(m, { actor: actor.username, action: 'CREATE_LINE', entityType: 'Line', entityKey: line.code, after: input });
      return { code: line.code, name: line.name, siteCode: site.code };
    });
  }

  async createStation(actor: Actor, input: CreateStationInput): Promise<StationModel> {
    return this.db.transaction(async (m) => {
      const line = await m.findOne(LineEntity, { where: { code: input.lineCode } });
      if (!line)
        throw new DomainError('NOT_FOUND', `Unknown line ${input.lineCode}`, [
          { path: 'input.lineCode', message: 'expected an existing line code' },
        ]);
      await this.refuseDuplicate(m, StationEntity, input.code, 'Station');
      const station = await m.save(
        m.create(StationEntity, { code: input.code, name: input.name, operation: input.operation, lineId: line.id }),
      );
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_STATION',
        entityType: 'Station',
        entityKey: station.code,
        after: input,
      });
      return { code: station.code, name: station.name, operation: station.operation, lineCode: line.code };
    });
  }

  async createEquipment(actor: Actor, input: CreateEquipmentInput): Promise<EquipmentModel> {
    return this.db.transaction(async (m) => {
      const station = await m.findOne(StationEntity, { where: { code: input.stationCode } });
      if (!station)
        throw new DomainError('NOT_FOUND', `Unknown station ${input.stationCode}`, [
          { path: 'input.stationCode', message: 'expected an existing station code' },
        ]);
      await this.refuseDuplicate(m, EquipmentEntity, input.code, 'Equipment');
      const eq = await m.save(m.create(EquipmentEntity, { code: input.code, name: input.name, kind: input.kind, stationId: station.id }));
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_EQUIPMENT',
        entityType: 'Equipment',
        entityKey: eq.code,
        after: input,
      });
      return { code: eq.code, name: eq.name, kind: eq.kind, stationCode: station.code };
    });
  }

  async sites() {
    return this.db.getRepository(SiteEntity).find({ order: { code: 'ASC' } });
  }

  async lines(): Promise<LineModel[]> {
    const rows = await this.db.query<{ code: string; name: string; site_code: string }[]>(
      `SELECT l.code, l.name, s.code AS site_code FROM tracking.lines l JOIN tracking.sites s ON s.id = l.site_id ORDER BY l.code`,
    );
    return rows.map((r) => ({ code: r.code, name: r.name, siteCode: r.site_code }));
  }

  async stations(operation?: string): Promise<StationModel[]> {
    const rows = await this.db.query<{ code: string; name: string; operation: string; line_code: string }[]>(
      `SELECT st.code, st.name, st.operation, l.code AS line_code
         FROM tracking.stations st JOIN tracking.lines l ON l.id = st.line_id
        WHERE ($1::text IS NULL OR st.operation = $1) ORDER BY st.code`,
      [operation ?? null],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, operation: r.operation, lineCode: r.line_code }));
  }

  async station(code: string): Promise<StationModel | null> {
    return (await this.stations()).find((s) => s.code === code) ?? null;
  }

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

  async createProduct(actor: Actor, input: CreateProductInput): Promise<ProductModel> {
    const problems = layoutProblems(input.layout);
    if (problems.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid sheet layout: ${problems.join('; ')}`,
        problems.map((message) => ({ path: 'input.layout', message })),
      );
    }
    this.checkRoute(input.route, 'input.route');
    const product = await this.db.transaction(async (m) => {
      await this.refuseDuplicate(m, ProductEntity, input.code, 'Product');
      const p = await m.save(
        m.create(ProductEntity, {
          code: input.code,
          name: input.name,
          ...input.layout,
          leaderMm: input.leaderMm ?? 5000,
          trailerMm: input.trailerMm ?? 5000,
        }),
      );
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_PRODUCT',
        entityType: 'Product',
        entityKey: p.code,
        after: input,
      });
      await this.insertRouteVersion(m, actor, p, input.route);
      return p;
    });
    return this.toProductModel(product);
  }

  /** Routes are never edited: a change is a new version; units keep the version they started on. */
  async createRouteVersion(actor: Actor, input: CreateRouteVersionInput): Promise<RouteModel> {
    this.checkRoute(input.steps, 'input.steps');
    return this.db.transaction(async (m) => {
      const product = await m.findOne(ProductEntity, { where: { code: input.productCode }, lock: { mode: 'pessimistic_write' } });
      if (!product) throw new DomainError('NOT_FOUND', `Unknown product ${input.productCode}`);
      const route = await this.insertRouteVersion(m, actor, product, input.steps);
      return this.toRouteModel(route, await this.routeSteps(route.id, m));
    });
  }

  async products(): Promise<ProductModel[]> {
    const products = await this.db.getRepository(ProductEntity).find({ order: { code: 'ASC' } });
    return Promise.all(products.map((p) => this.toProductModel(p)));
  }

  async productByCode(code: string): Promise<ProductEntity | null> {
    return this.db.getRepository(ProductEntity).findOne({ where: { code } });
  }

  async productById(id: string, m: EntityManager = this.db.manager): Promise<ProductEntity> {
    return m.findOneOrFail(ProductEntity, { where: { id } });
  }

  async routeVersions(productCode: string): Promise<RouteModel[]> {
    const product = await this.productByCode(productCode);
    if (!product) throw new DomainError('NOT_FOUND', `Unknown product ${productCode}`);
    const routes = await this.db.getRepository(RouteEntity).find({ where: { productId: product.id }, order: { version: 'DESC' } });
    return Promise.all(routes.map(async (r) => this.toRouteModel(r, await this.routeSteps(r.id))));
  }

  async currentRoute(productId: string, m: EntityManager = this.db.manager): Promise<RouteEntity | null> {
    return m.findOne(RouteEntity, { where: { productId }, order: { version: 'DESC' } });
  }

  async routeSteps(routeId: string, m: EntityManager = this.db.manager): Promise<RouteStepEntity[]> {
    const cached = this.stepsByRoute.get(routeId);
    if (cached) return cached;
    const steps = await m.find(RouteStepEntity, { where: { routeId }, order: { seq: 'ASC' } });
    if (steps.length) this.stepsByRoute.set(routeId, steps);
    return steps;
  }

  async stationsByCodes(codes: string[]): Promise<StationEntity[]> {
    return codes.length ? this.db.getRepository(StationEntity).find({ where: { code: In(codes) } }) : [];
  }

  async toProductModel(p: ProductEntity): Promise<ProductModel> {
    const route = await this.currentRoute(p.id);
    return {
      code: p.code,
      name: p.name,
      layout: {
        rows: p.rows,
        cols: p.cols,
        cellMdMm: p.cellMdMm,
        cellCdMm: p.cellCdMm,
        pitchMdMm: p.pitchMdMm,
        pitchCdMm: p.pitchCdMm,
        firstCellMdMm: p.firstCellMdMm,
        firstCellCdMm: p.firstCellCdMm,
        sheetLengthMdMm: p.sheetLengthMdMm,
      },
      cellActiveAreaCm2: cellActiveAreaCm2(p),
      leaderMm: p.leaderMm,
      trailerMm: p.trailerMm,
      currentRoute: route ? this.toRouteModel(route, await this.routeSteps(route.id)) : null,
    };
  }

  private toRouteModel(route: RouteEntity, steps: RouteStepEntity[]): RouteModel {
    return {
      version: route.version,
      createdBy: route.createdBy,
      steps: steps.map((s) => ({
        seq: s.seq,
        operation: s.operation,
        level: s.level as UnitLevelEnum,
        vacuum: s.vacuum,
        maxQueueMinutes: s.maxQueueMinutes,
        maxTemperatureC: s.maxTemperatureC,
      })),
    };
  }

  private checkRoute(steps: RouteStepInput[], path: string): void {
    const problem = routeProblem(steps);
    if (problem) throw new DomainError('VALIDATION_FAILED', `Invalid route: ${problem}`, [{ path, message: problem }]);
    const queue = queueTimeProblem(steps);
    if (queue)
      throw new DomainError('VALIDATION_FAILED', `Invalid route: ${queue.message}`, [
        { path: `${path}[${queue.index}].maxQueueMinutes`, message: queue.message },
      ]);
  }

  private async insertRouteVersion(m: EntityManager, actor: Actor, product: ProductEntity, steps: RouteStepInput[]): Promise<RouteEntity> {
    const last = await m.findOne(RouteEntity, { where: { productId: product.id }, order: { version: 'DESC' } });
    const route = await m.save(
      m.create(RouteEntity, { productId: product.id, version: (last?.version ?? 0) + 1, createdBy: actor.username }),
    );
    await m.insert(
      RouteStepEntity,
      steps.map((s, i) => ({
        routeId: route.id,
        seq: i + 1,
        operation: s.operation,
        level: s.level,
        vacuum: s.vacuum ?? false,
        maxQueueMinutes: s.maxQueueMinutes ?? null,
        maxTemperatureC: s.maxTemperatureC ?? null,
      })),
    );
    await this.audit.record(m, {
      actor: actor.username,
      action: 'CREATE_ROUTE_VERSION',
      entityType: 'Route',
      entityKey: `${product.code}@${route.version}`,
      before: last ? { version: last.version } : null,
      after: { version: route.version, steps },
    });
    return route;
  }

  private async refuseDuplicate(
    m: EntityManager,
    entity: typeof SiteEntity | typeof LineEntity | typeof StationEntity | typeof EquipmentEntity | typeof ProductEntity,
    code: string,
    what: string,
  ): Promise<void> {
    if (await m.exists(entity, { where: { code } })) {
      throw new DomainError('CONFLICT', `${what} ${code} already exists`, [{ path: 'input.code', message: 'expected a new code' }]);
    }
  }
}
