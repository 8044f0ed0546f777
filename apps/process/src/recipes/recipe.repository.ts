import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RecipeState } from '@mes/process';
import { RecipeEntity, RouteStepRecipesEntity } from '../database/process.entities';

/**
 * The recipes' queries: versions of a name, a version under a write lock, the lists engineers read,
 * and the recipes and equipment each product route step allows. Writes take the service's
 * transaction manager, so a change and its audit record commit together.
 */
@Injectable()
export class RecipeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** New versions of one name are made one at a time: two engineers saving at once get versions n and n+1. */
  /** How many recipe versions there are (the demo seeder seeds an empty service only). */
  count(): Promise<number> {
    return this.db.getRepository(RecipeEntity).count();
  }

  async lockName(m: EntityManager, name: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`recipe:${name}`]);
  }

  latestVersion(m: EntityManager, name: string): Promise<RecipeEntity | null> {
    return m.getRepository(RecipeEntity).findOne({ where: { name }, order: { version: 'DESC' } });
  }

  /** One version under a write lock, for its state change. */
  lockVersion(m: EntityManager, name: string, version: number): Promise<RecipeEntity | null> {
    return m.getRepository(RecipeEntity).findOne({ where: { name, version }, lock: { mode: 'pessimistic_write' } });
  }

  find(name: string, version: number, m: EntityManager = this.db.manager): Promise<RecipeEntity | null> {
    return m.getRepository(RecipeEntity).findOne({ where: { name, version } });
  }

  insert(m: EntityManager, recipe: Omit<RecipeEntity, 'id' | 'createdAt'>): Promise<RecipeEntity> {
    return m.save(m.create(RecipeEntity, recipe));
  }

  /** Stores a changed version (the same object comes back). */
  save(m: EntityManager, recipe: RecipeEntity): Promise<RecipeEntity> {
    return m.save(recipe);
  }

  /** Names first, newest version of each first; at most 1000. */
  list(filter: { name?: string; operation?: string; state?: RecipeState }): Promise<RecipeEntity[]> {
    return this.db.getRepository(RecipeEntity).find({
      where: {
        ...(filter.name ? { name: filter.name } : {}),
        ...(filter.operation ? { operation: filter.operation } : {}),
        ...(filter.state ? { state: filter.state } : {}),
      },
      order: { name: 'ASC', version: 'DESC' },
      take: 1000,
    });
  }

  /** The operation of each of these names that exists (a name's versions share one operation). */
  operationsOf(names: string[]): Promise<Pick<RecipeEntity, 'name' | 'operation'>[]> {
    return this.db
      .getRepository(RecipeEntity)
      .createQueryBuilder('r')
      .select(['r.name', 'r.operation'])
      .distinct(true)
      .where('r.name IN (:...names)', { names })
      .getMany();
  }

  /** The step's row, or a new unsaved one where the step allows nothing yet. */
  async routeStepOrNew(m: EntityManager, productCode: string, operation: string): Promise<RouteStepRecipesEntity> {
    const repo = m.getRepository(RouteStepRecipesEntity);
    return (await repo.findOne({ where: { productCode, operation } })) ?? repo.create({ productCode, operation });
  }

  saveRouteStep(m: EntityManager, row: RouteStepRecipesEntity): Promise<RouteStepRecipesEntity> {
    return m.getRepository(RouteStepRecipesEntity).save(row);
  }

  /** A product's route steps, by operation; one step where an operation is given. */
  routeSteps(productCode: string, operation?: string): Promise<RouteStepRecipesEntity[]> {
    return this.db
      .getRepository(RouteStepRecipesEntity)
      .find({ where: { productCode, ...(operation ? { operation } : {}) }, order: { operation: 'ASC' } });
  }
}
