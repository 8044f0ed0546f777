import { Module } from '@nestjs/common';
import { CyclingResolver } from './cycling/cycling.resolver';
import { CyclingService } from './cycling/cycling.service';
import { AssemblyMasterDataResolver } from './master-data/master-data.resolver';
import { AssemblyMasterDataService } from './master-data/master-data.service';
import { DemoAssemblySeeder } from './seed/demo-assembly.seeder';
import { PickMapController } from './singulation/pick-map.controller';
import { SingulationResolver } from './singulation/singulation.resolver';
import { SingulationService } from './singulation/singulation.service';
import { StackTestController } from './stacking/stack-test.controller';
import { StackResolver } from './stacking/stack.resolver';
import { StackService } from './stacking/stack.service';

/** Stack products and work orders. */
@Module({ providers: [AssemblyMasterDataService, AssemblyMasterDataResolver], exports: [AssemblyMasterDataService] })
export class AssemblyMasterDataModule {}

/** Pick maps, the singulation report and yield per step. */
@Module({ imports: [AssemblyMasterDataModule], controllers: [PickMapController], providers: [SingulationService, SingulationResolver] })
export class SingulationModule {}

/** Stack building, proposals, final test (GraphQL and the rigs' REST), where-used. */
@Module({ imports: [AssemblyMasterDataModule], controllers: [StackTestController], providers: [StackService, StackResolver] })
export class StackingModule {}

/** Cycler results of sample stacks and their statistics. */
@Module({ imports: [AssemblyMasterDataModule], providers: [CyclingService, CyclingResolver] })
export class CyclingModule {}

@Module({ imports: [AssemblyMasterDataModule], providers: [DemoAssemblySeeder] })
export class AssemblySeedModule {}
