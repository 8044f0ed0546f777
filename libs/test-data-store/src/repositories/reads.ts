/**
 * The name of the DataSource that heat-map and yield reads use: a streaming read replica when
 * DATABASE_READ_URL is set, else the primary itself. Only reads that may lag the primary by the
 * replica's replay delay go there (maps, Paretos, yields); a test's status, its results and every
 * write stay on the primary, so a rig or a worker always reads what it has just written.
 */
export const READS = 'reads';
