export enum Role {
  ADMIN = 'ADMIN',
  ENGINEER = 'ENGINEER',
  OPERATOR = 'OPERATOR',
}

export const ROLES: readonly Role[] = [Role.ADMIN, Role.ENGINEER, Role.OPERATOR];

/** Who a verified token says the caller is. */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
}

/** Roles allowed to release holds, change master data and other engineering decisions. */
export const ENGINEERING: readonly Role[] = [Role.ENGINEER, Role.ADMIN];

/** Every signed-in role: operators run the line (scans, rolls, holds). */
export const ANY_ROLE: readonly Role[] = [Role.ADMIN, Role.ENGINEER, Role.OPERATOR];
