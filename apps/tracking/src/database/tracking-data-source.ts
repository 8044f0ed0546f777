import { PG_SESSION_OPTIONS } from '@mes/service-core';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { TRACKING_MIGRATIONS } from './migrations';
import { TRACKING_ENTITIES } from './tracking-entities';

/** The tracking service owns the `tracking` schema and nothing else. */
export function trackingDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: TRACKING_ENTITIES,
    migrations: TRACKING_MIGRATIONS,
    migrationsTableName: 'tracking_migrations',
    synchronize: false,
    logging: ['error'],
    extra: { max: 20, application_name: 'mes-tracking', options: PG_SESSION_OPTIONS },
  };
}

export function createTrackingDataSource(databaseUrl: string): DataSource {
  return new DataSource(trackingDataSourceOptions(databaseUrl));
}
