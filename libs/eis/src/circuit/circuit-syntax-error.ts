/**
 * A circuit string that cannot be parsed. `position` is the 0-based index of the offending character in
 * `source`; the message repeats the string with a caret under that character.
 */
export class CircuitSyntaxError extends Error {
  override readonly name = 'CircuitSyntaxError';

  constructor(
    readonly reason: string,
    readonly source: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}\n  ${source}\n  ${' '.repeat(Math.max(0, position))}^`);
    Object.setPrototypeOf(this, CircuitSyntaxError.prototype);
  }
}
