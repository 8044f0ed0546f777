import { Args, Query, Resolver } from '@nestjs/graphql';
import { HistoryEntryModel } from './history.model';
import { HistoryService } from './history.service';

@Resolver()
export class HistoryResolver {
  constructor(private readonly history: HistoryService) {}

  @Query(() => [HistoryEntryModel], { description: 'Everything that happened to a roll or sheet, oldest first.' })
  unitHistory(@Args('barcode') barcode: string): Promise<HistoryEntryModel[]> {
    return this.history.unitHistory(barcode);
  }
}
