/** Process runs are keyed by UUID; anything else cannot name one (and must not reach a uuid column). */
export const isRunId = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
