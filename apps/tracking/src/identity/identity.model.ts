import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role, SignatureMeaning } from '@mes/auth';

registerEnumType(Role, { name: 'Role' });

@ObjectType('User')
export class UserModel {
  @Field(() => ID) id!: string;
  @Field() username!: string;
  @Field(() => Role) role!: Role;
  @Field() active!: boolean;
}

@ObjectType('Signature', { description: 'An electronic signature tracking verified: the signer typed the password again.' })
export class SignatureModel {
  @Field() signer!: string;
  @Field(() => SignatureMeaning) meaning!: SignatureMeaning;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field() signedAt!: Date;
}

@ObjectType('LoginResult')
export class LoginResultModel {
  @Field() token!: string;
  @Field(() => UserModel) user!: UserModel;
}

@InputType()
export class CreateUserInput {
  @Field()
  @IsString()
  @Matches(/^[a-z][a-z0-9._-]{1,63}$/, { message: 'expected 2-64 lowercase letters, digits, ".", "_" or "-", starting with a letter' })
  username!: string;

  @Field()
  @IsString()
  @MinLength(8, { message: 'expected at least 8 characters' })
  @MaxLength(200)
  password!: string;

  @Field(() => Role)
  @IsEnum(Role)
  role!: Role;
}
