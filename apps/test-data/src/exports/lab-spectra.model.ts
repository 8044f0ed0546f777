import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IMPEDANCE_FORMATS, type ImpedanceFormat } from '@mes/interop';

const FINITE = { allowNaN: false, allowInfinity: false };

/** A text that Date.parse reads (an ISO 8601 time, as the rig ingest's startedAt). */
const IsParsableTime = (message: string) =>
  ValidateBy(
    { name: 'isParsableTime', validator: { validate: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) } },
    { message },
  );

/** One lab impedance file of an upload: its name (which tells the format when none is given) and its text. */
export class LabSpectrumFileInput {
  @IsString({ message: 'expected the file name' })
  @MinLength(1, { message: 'expected the file name' })
  name!: string;

  @IsString({ message: 'expected the file text' })
  content!: string;

  // Absent means "tell by the name"; null is refused, as any other value outside the list.
  @ValidateIf((f: LabSpectrumFileInput) => f.format !== undefined)
  @IsIn(IMPEDANCE_FORMATS, { message: `expected one of ${IMPEDANCE_FORMATS.join(', ')}` })
  format?: ImpedanceFormat;
}

/** The body of `POST /api/v1/lab-spectra`: one cell's OCV and one or more impedance files of it. */
export class LabSpectraUploadInput {
  @IsString({ message: 'expected the name of a registered lab rig' })
  @MinLength(1, { message: 'expected the name of a registered lab rig' })
  rig!: string;

  @IsString({ message: 'expected a sheet barcode' })
  @MinLength(1, { message: 'expected a sheet barcode' })
  sheet!: string;

  @IsInt({ message: 'expected a whole number >= 0' })
  @Min(0, { message: 'expected a whole number >= 0' })
  row!: number;

  @IsInt({ message: 'expected a whole number >= 0' })
  @Min(0, { message: 'expected a whole number >= 0' })
  col!: number;

  @IsNumber(FINITE, { message: 'expected the open-circuit voltage in volts' })
  ocvV!: number;

  @ValidateIf((b: LabSpectraUploadInput) => b.temperatureC !== undefined)
  @IsNumber(FINITE, { message: 'expected degrees Celsius' })
  temperatureC?: number;

  @ValidateIf((b: LabSpectraUploadInput) => b.startedAt !== undefined)
  @IsParsableTime('expected an ISO 8601 time')
  startedAt?: string;

  @IsArray({ message: 'expected 1 or more { name, content, format? }' })
  @ArrayMinSize(1, { message: 'expected 1 or more { name, content, format? }' })
  @ValidateNested({ each: true })
  @Type(() => LabSpectrumFileInput)
  files!: LabSpectrumFileInput[];
}
