import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, CurrentActor, Roles, type Actor } from '@mes/auth';
import { ScanInput, ScanResultModel } from './scan.model';
import { ScanService } from './scan.service';

@Resolver()
export class ScanResolver {
  constructor(private readonly scans: ScanService) {}

  @Roles(...ANY_ROLE)
  @Mutation(() => ScanResultModel, { description: 'A station scan: TRACK_IN starts the unit’s current operation, TRACK_OUT completes it.' })
  scan(@CurrentActor() actor: Actor, @Args('input') input: ScanInput): Promise<ScanResultModel> {
    return this.scans.scan(actor, input);
  }
}
