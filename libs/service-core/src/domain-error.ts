/** Error codes shared by every service; each maps to one HTTP status (see httpStatusOf). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SIGNATURE_REJECTED'
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'UNKNOWN_BARCODE'
  | 'WRONG_OPERATION'
  | 'UNIT_ON_HOLD'
  | 'UNIT_NOT_ACTIVE'
  | 'NOT_TRACKED_IN'
  | 'ALREADY_IN_PROCESS'
  | 'CONFLICT'
  | 'RECIPE_NOT_RELEASED'
  | 'RECIPE_NOT_ALLOWED'
  | 'EQUIPMENT_NOT_AVAILABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * An expected refusal: the caller did something the line does not allow. The message says what was
 * wrong and what was expected; it goes to the client as it is (unlike unexpected errors).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SIGNATURE_REJECTED: 403,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  UNKNOWN_BARCODE: 404,
  WRONG_OPERATION: 409,
  UNIT_ON_HOLD: 409,
  UNIT_NOT_ACTIVE: 409,
  NOT_TRACKED_IN: 409,
  ALREADY_IN_PROCESS: 409,
  CONFLICT: 409,
  RECIPE_NOT_RELEASED: 409,
  RECIPE_NOT_ALLOWED: 409,
  EQUIPMENT_NOT_AVAILABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(HTTP_STATUS, code);
}

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}
