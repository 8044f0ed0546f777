/** Injection token of the validated MesConfig. */
export const MES_CONFIG = Symbol('MES_CONFIG');
