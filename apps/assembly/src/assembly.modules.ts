import { Module } from '@nestjs/common';
import { CyclingRepository } from './cycling/cycling.repository';
import { CyclingResolver } from './cycling/cycling.resolver';
import { CyclingService } from './cycling/cycling.service';
import { AssemblyMasterDataRepository } from './master-data/master-data.repository';
import { AssemblyMasterDataResolver } from './master-data/master-data.resolver';
import { AssemblyMasterDataService } from './master-data/master-data.service';
import { DemoAssemblySeeder } from './seed/demo-assembly.seeder';
import { PickMapController } from './singulation/pick-map.controller';
import { SingulationRepository } from './singulation/singulation.repository';
import { SingulationResolver } from './singulation/singulation.resolver';
import { SingulationService } from './singulation/singulation.service';
import { StackTestController } from './stacking/stack-test.controller';
import { StackRepository } from './stacking/stack.repository';
import { StackResolver } from './stacking/stack.resolver';
import { StackService } from './stacking/stack.service';

/** Stack products and work orders. */
@Module({
  providers: [AssemblyMasterDataRepository, AssemblyMasterDataService, AssemblyMasterDataResolver],
  exports: [AssemblyMasterDataRepository, AssemblyMasterDataService],
})
export class AssemblyMasterDataModule {}

/** Pick maps, the singulation report and yield per step. */
@Module({
  imports: [AssemblyMasterDataModule],
  controllers: [PickMapController],
  providers: [SingulationRepository, SingulationService, SingulationResolver],
})
export class SingulationModule {}

/** Stack building, proposals, final test (GraphQL and the rigs' REST), where-used. */
@Module({
  imports: [AssemblyMasterDataModule],
  controllers: [StackTestController],
  providers: [StackRepository, StackService, StackResolver],
  exports: [StackRepository],
})
export class StackingModule {}

/** Cycler results of sample stacks and their statistics. */
@Module({ imports: [AssemblyMasterDataModule, StackingModule], providers: [CyclingRepository, CyclingService, CyclingResolver] })
export class CyclingModule {}

@Module({ imports: [AssemblyMasterDataModule], providers: [DemoAssemblySeeder] })
export class AssemblySeedModule {}
