import { Args, Mutation, Query, ResolveReference, Resolver } from '@nestjs/graphql';
import { CurrentActor, ENGINEERING, Role, Roles, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import {
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
  SiteModel,
  StationModel,
} from './master-data.model';
import { MasterDataService } from './master-data.service';

@Resolver()
export class MasterDataResolver {
  constructor(private readonly masterData: MasterDataService) {}

  @Query(() => [SiteModel])
  sites(): Promise<SiteModel[]> {
    return this.masterData.sites();
  }

  @Query(() => [LineModel])
  lines(): Promise<LineModel[]> {
    return this.masterData.lines();
  }

  @Query(() => [StationModel], { description: 'Stations of every line, optionally only those performing one operation.' })
  stations(@Args('operation', { nullable: true }) operation?: string): Promise<StationModel[]> {
    return this.masterData.stations(operation);
  }

  @Query(() => [EquipmentModel])
  equipment(@Args('stationCode', { nullable: true }) stationCode?: string): Promise<EquipmentModel[]> {
    return this.masterData.equipment(stationCode);
  }

  @Query(() => [ProductModel])
  products(): Promise<ProductModel[]> {
    return this.masterData.products();
  }

  @Query(() => ProductModel)
  async product(@Args('code') code: string): Promise<ProductModel> {
    const p = await this.masterData.productByCode(code);
    if (!p) throw new DomainError('NOT_FOUND', `Unknown product ${code}`);
    return this.masterData.toProductModel(p);
  }

  @Query(() => [RouteModel], { description: 'Every route version of a product, newest first.' })
  routeVersions(@Args('productCode') productCode: string): Promise<RouteModel[]> {
    return this.masterData.routeVersions(productCode);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => SiteModel)
  createSite(@CurrentActor() actor: Actor, @Args('input') input: CreateSiteInput): Promise<SiteModel> {
    return this.masterData.createSite(actor, input);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => LineModel)
  createLine(@CurrentActor() actor: Actor, @Args('input') input: CreateLineInput): Promise<LineModel> {
    return this.masterData.createLine(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => StationModel)
  createStation(@CurrentActor() actor: Actor, @Args('input') input: CreateStationInput): Promise<StationModel> {
    return this.masterData.createStation(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => EquipmentModel)
  createEquipment(@CurrentActor() actor: Actor, @Args('input') input: CreateEquipmentInput): Promise<EquipmentModel> {
    return this.masterData.createEquipment(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => ProductModel, { description: 'A cell design with its sheet layout and route version 1.' })
  createProduct(@CurrentActor() actor: Actor, @Args('input') input: CreateProductInput): Promise<ProductModel> {
    return this.masterData.createProduct(actor, input);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => RouteModel, { description: 'A new route version; rolls already registered keep theirs.' })
  createRouteVersion(@CurrentActor() actor: Actor, @Args('input') input: CreateRouteVersionInput): Promise<RouteModel> {
    return this.masterData.createRouteVersion(actor, input);
  }
}

@Resolver(() => StationModel)
export class StationReferenceResolver {
  constructor(private readonly masterData: MasterDataService) {}

  @ResolveReference()
  resolveReference(ref: { code: string }): Promise<StationModel | null> {
    return this.masterData.station(ref.code);
  }
}

@Resolver(() => ProductModel)
export class ProductReferenceResolver {
  constructor(private readonly masterData: MasterDataService) {}

  @ResolveReference()
  async resolveReference(ref: { code: string }): Promise<ProductModel | null> {
    const p = await this.masterData.productByCode(ref.code);
    return p ? this.masterData.toProductModel(p) : null;
  }
}
