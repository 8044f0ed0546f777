import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { ExperimentEntity, RecipeEntity } from '../database/process.entities';

/** Read queries behind the runs the graph shows: their recipes and experiments, any number at once. */
@Injectable()
export class RunRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  recipesByIds(ids: readonly string[]): Promise<RecipeEntity[]> {
    return ids.length ? this.db.getRepository(RecipeEntity).find({ where: { id: In([...ids]) } }) : Promise.resolve([]);
  }

  experimentsByIds(ids: readonly string[]): Promise<ExperimentEntity[]> {
    return ids.length ? this.db.getRepository(ExperimentEntity).find({ where: { id: In([...ids]) } }) : Promise.resolve([]);
  }
}
