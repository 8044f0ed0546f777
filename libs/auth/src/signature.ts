import { Field, InputType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/**
 * What a signer means by an electronic signature (21 CFR Part 11 asks that every signature shows
 * its meaning beside the signer's name and the time).
 */
export enum SignatureMeaning {
  APPROVED = 'APPROVED',
  REVIEWED = 'REVIEWED',
  RESPONSIBLE = 'RESPONSIBLE',
}

registerEnumType(SignatureMeaning, {
  name: 'SignatureMeaning',
  description: 'APPROVED: I approve this release; REVIEWED: I reviewed it; RESPONSIBLE: I take responsibility for it.',
});

/**
 * An electronic signature on a release that changes what the line does: the signed-in user types
 * the password again. The same input type in every subgraph (the gateway composes them into one).
 */
@InputType('SignatureInput')
export class SignatureInput {
  @Field({ description: "The signer's password, again (the signer is the signed-in user)." })
  @IsString()
  @MinLength(1, { message: 'expected the password of the signed-in user' })
  @MaxLength(200)
  password!: string;

  @Field(() => SignatureMeaning) @IsEnum(SignatureMeaning) meaning!: SignatureMeaning;

  @Field({ nullable: true, description: 'Why, in the signer’s words (kept in the audit trail).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

/** A verified signature (tracking checked the password): who signed, meaning, when. */
export interface VerifiedSignature {
  signer: string;
  meaning: SignatureMeaning;
  comment: string | null;
  signedAt: Date;
}

/** What the audit record of a signature holds: who, meaning, when and what was signed. */
export function signatureAuditDetails(signature: VerifiedSignature, signed: string): Record<string, unknown> {
  return {
    signer: signature.signer,
    meaning: signature.meaning,
    comment: signature.comment,
    signedAt: signature.signedAt.toISOString(),
    signed,
  };
}
