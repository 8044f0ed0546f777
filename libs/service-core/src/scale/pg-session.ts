/**
 * Session settings of every MES connection to PostgreSQL, sent at connect (node-postgres `options`).
 *
 * jit=off: the MES's statements are index lookups and short aggregates. PostgreSQL compiles a
 * statement with LLVM once the planner's cost estimate passes jit_above_cost (100,000), and the
 * estimates grow with the tables, not with what a statement reads: with a year's 10^7 cells loaded,
 * a region's yield (four index pages, 0.05 ms of execution) was estimated at 139,086 rows of a roll,
 * and spent 37 ms compiling itself, 2.6 times its time on an empty database (npm run bench scale).
 */
export const PG_SESSION_OPTIONS = '-c jit=off';
