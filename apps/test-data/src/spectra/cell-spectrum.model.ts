import { Field, Float, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('FitParameter', {
  description: 'One fitted parameter of the equivalent circuit (impedance.py names: R0, CPE1_0 = Q, CPE1_1 = n).',
})
export class FitParameterModel {
  @Field() name!: string;
  @Field(() => Float) value!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      'One standard error of the value, from the fit’s covariance (null where it is singular, or for cells binned before it was kept). An error near or above the value: the spectrum does not determine this parameter.',
  })
  stdError!: number | null;
}

@ObjectType('FittedSpectrum', { description: 'The fitted circuit evaluated at the measured frequencies and on a finer logarithmic grid.' })
export class FittedSpectrumModel {
  @Field() circuit!: string;
  @Field(() => [FitParameterModel]) parameters!: FitParameterModel[];
  @Field(() => Float, { nullable: true }) relRms!: number | null;
  @Field() converged!: boolean;
  @Field(() => [Float]) zReOhm!: number[];
  @Field(() => [Float]) zImOhm!: number[];
  @Field(() => [Float]) fineFrequenciesHz!: number[];
  @Field(() => [Float]) fineZReOhm!: number[];
  @Field(() => [Float]) fineZImOhm!: number[];
}

@ObjectType('CellSpectrum', { description: 'A cell’s impedance spectrum as the rig measured it in one test, and the fit binning used.' })
export class CellSpectrumModel {
  @Field() sheet!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field() sheetTestId!: string;
  @Field() testId!: string;
  @Field(() => GraphQLISODateTime) receivedAt!: Date;
  @Field(() => Float) temperatureC!: number;
  @Field({ description: 'OK, or NO_CONTACT when the probe did not touch the cell.' }) status!: string;
  @Field(() => Float, { nullable: true }) ocvV!: number | null;
  @Field(() => [Float]) frequenciesHz!: number[];
  @Field(() => [Float]) zReOhm!: number[];
  @Field(() => [Float]) zImOhm!: number[];
  @Field(() => String, { nullable: true, description: 'NORMAL, SHORT, LEAKY, OPEN, ... as the feature extractor classified it.' })
  signature!: string | null;
  @Field(() => String, { nullable: true }) signatureReason!: string | null;
  @Field(() => FittedSpectrumModel, {
    nullable: true,
    description: 'Null when the cell was not fitted (no spectrum, no contact, or the features are not stored yet).',
  })
  fit!: FittedSpectrumModel | null;
  @Field(() => String, { nullable: true, description: 'Why fit is null, in words.' }) fitMissingReason!: string | null;
}
