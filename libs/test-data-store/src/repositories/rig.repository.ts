import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { RigEntity } from '../rig.entity';

/** The rigs and their key hashes. Writes take the service's transaction, so a change and its audit record commit together. */
@Injectable()
export class RigRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  nameTaken(m: EntityManager, name: string): Promise<boolean> {
    return m.exists(RigEntity, { where: { name } });
  }

  insert(m: EntityManager, rig: Pick<RigEntity, 'name' | 'stationCode' | 'operation' | 'keyHash' | 'createdBy'>): Promise<RigEntity> {
    return m.save(m.create(RigEntity, rig));
  }

  /** Every rig, by name. */
  all(): Promise<RigEntity[]> {
    return this.db.getRepository(RigEntity).find({ order: { name: 'ASC' } });
  }

  byName(name: string): Promise<RigEntity | null> {
    return this.db.getRepository(RigEntity).findOne({ where: { name } });
  }

  /** A rig by its id (any text: what is not an id is no rig). */
  byId(id: string): Promise<RigEntity | null> {
    return /^\d{1,18}$/.test(id) ? this.db.getRepository(RigEntity).findOne({ where: { id } }) : Promise.resolve(null);
  }

  /** A rig under a write lock, for a change of its key (any text: what is not an id is no rig). */
  lock(m: EntityManager, id: string): Promise<RigEntity | null> {
    return /^\d{1,18}$/.test(id) ? m.findOne(RigEntity, { where: { id }, lock: { mode: 'pessimistic_write' } }) : Promise.resolve(null);
  }

  async updateKey(m: EntityManager, id: string, key: Partial<Pick<RigEntity, 'keyHash' | 'keyIssuedAt' | 'keyRevokedAt'>>): Promise<void> {
    await m.update(RigEntity, { id }, key);
  }
}
