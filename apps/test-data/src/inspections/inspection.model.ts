import { Field, Float, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import type { DefectClassDensityRow, DefectCorrelationRow, DefectDensityRow, DefectRow, InspectionRow } from '@mes/test-data-store';

@ObjectType('Defect', { description: 'A defect an inspection saw, where it is on the sheet and which cell it landed in.' })
export class DefectModel implements DefectRow {
  @Field({ description: 'The inspection station’s id of the inspection.' }) inspectionId!: string;
  @Field(() => Int, { description: 'Position in the inspection’s defect list (from 0).' }) seq!: number;
  @Field({ description: 'PARTICLE, PINHOLE, SCRATCH, DELAMINATION, PATTERN_DEFECT or DEBRIS.' }) defectClass!: string;
  @Field(() => Float, { description: 'Sheet millimetres from the sheet’s leading edge.' }) mdMm!: number;
  @Field(() => Float, { description: 'Sheet millimetres from the web’s operator side.' }) cdMm!: number;
  @Field(() => Float) sizeUm!: number;
  @Field(() => String, { nullable: true }) image!: string | null;
  @Field({ description: 'ACTIVE (in the active area of row, col), KERF or BORDER (row, col: the nearest cell).' }) zone!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
}

@ObjectType('DefectClassDensity', { description: 'Defects of one class: how many, and per cm² of inspected area.' })
export class DefectClassDensityModel implements DefectClassDensityRow {
  @Field() defectClass!: string;
  @Field(() => Int) count!: number;
  @Field(() => Float) perCm2!: number;
}

@ObjectType('DefectDensity', {
  description:
    'Defects of the newest inspection of each sheet in scope, counted by class, and per cm² of the inspected area (sheet length x patterned width).',
})
export class DefectDensityModel implements DefectDensityRow {
  @Field(() => Int) sheetsInspected!: number;
  @Field(() => Float) areaCm2!: number;
  @Field(() => Int) count!: number;
  @Field(() => Float, { nullable: true }) perCm2!: number | null;
  @Field(() => [DefectClassDensityModel]) byClass!: DefectClassDensityModel[];
}

@ObjectType('Inspection', { description: 'One inspection of a sheet as stored.' })
export class InspectionModel implements InspectionRow {
  @Field() inspectionId!: string;
  @Field() sheet!: string;
  @Field(() => GraphQLISODateTime) inspectedAt!: Date;
  @Field(() => Float) offsetMdMm!: number;
  @Field(() => Float) offsetCdMm!: number;
  @Field(() => Float) rotationDeg!: number;
  @Field(() => Int) defectCount!: number;
}

@ObjectType('DefectCorrelation', {
  description:
    'Do electrical shorts sit where the inspection saw defects? Over the tested cells of the inspected sheets of a roll: the fraction of shorted cells (soft bin 10) with a defect in or next to them (the 8 neighbours), against the same fraction over every tested cell (what chance gives).',
})
export class DefectCorrelationModel implements DefectCorrelationRow {
  @Field() roll!: string;
  @Field(() => Int) sheetsInspected!: number;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Int) cellsNearDefect!: number;
  @Field(() => Int) shorts!: number;
  @Field(() => Int) shortsNearDefect!: number;
  @Field(() => Float, { nullable: true, description: 'shortsNearDefect / shorts.' }) shortFraction!: number | null;
  @Field(() => Float, { nullable: true, description: 'cellsNearDefect / cellsTested: the fraction chance gives.' }) chanceFraction!:
    number | null;
  @Field(() => Float, { nullable: true, description: 'shortFraction / chanceFraction: above 1, shorts gather at defects.' }) lift!:
    number | null;
}
