/**
 * ZPL II for a 4 x 2 inch label at 203 dpi: the unit's kind and code in text, a Code 128 of the
 * code and up to four lines of facts. Characters ZPL treats as commands (^ and ~) are replaced in
 * the text lines, and a code must be printable ASCII for Code 128.
 */
export function unitLabelZpl(kind: string, barcode: string, lines: string[]): string {
  if (!/^[\x20-\x7e]{1,64}$/.test(barcode))
    throw new RangeError(`a label code must be 1-64 printable ASCII characters, got ${JSON.stringify(barcode)}`);
  if (/[\^~]/.test(barcode)) throw new RangeError(`a label code cannot contain ^ or ~ (ZPL commands), got ${JSON.stringify(barcode)}`);
  const text = (s: string) => s.replace(/[\^~]/g, '-').replace(/[^\x20-\x7e]/g, '?');
  const out = [
    '^XA',
    '^CI28',
    '^PW812',
    '^LL406',
    `^FO30,20^A0N,34,34^FD${text(kind.toUpperCase())} ${barcode}^FS`,
    `^FO30,70^BY2^BCN,120,Y,N,N^FD${barcode}^FS`,
  ];
  lines.slice(0, 4).forEach((line, i) => out.push(`^FO30,${240 + i * 34}^A0N,28,28^FD${text(line)}^FS`));
  out.push('^XZ');
  return out.join('\n');
}
