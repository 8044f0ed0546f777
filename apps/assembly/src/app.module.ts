import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GqlAuthGuard, TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { databaseHealthController, RestErrorFilter, subgraphGraphqlOptions, validationFailed } from '@mes/service-core';
import { AssemblyMasterDataModule, AssemblySeedModule, CyclingModule, SingulationModule, StackingModule } from './assembly.modules';
import { LineData } from './clients/line-data';
import { ServiceGraphql } from './clients/service-graphql';
import { assemblyDataSourceOptions } from './database/assembly-data-source';

/** Singulation, stacking and stack final test over the `assembly` schema. */
@Module({})
export class AssemblyAppModule {
  /** `line` stands in for tracking, test-data and process where a test runs the assembly service alone. */
  static forConfig(config: MesConfig, services: { line?: LineData } = {}): DynamicModule {
    const tokens = new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds);
    const line =
      services.line ??
      new LineData(
        new ServiceGraphql('tracking', config.tracking.url, tokens),
        new ServiceGraphql('test-data', config.testData.url, tokens),
        new ServiceGraphql('process', config.process.url, tokens),
      );
    return {
      module: AssemblyAppModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot(assemblyDataSourceOptions(config.databaseUrl)),
        GraphQLModule.forRoot<ApolloFederationDriverConfig>(subgraphGraphqlOptions()),
        AssemblyMasterDataModule,
        SingulationModule,
        StackingModule,
        CyclingModule,
        AssemblySeedModule,
      ],
      controllers: [databaseHealthController('assembly')],
      providers: [
        { provide: TokenService, useValue: tokens },
        { provide: LineData, useValue: line },
        { provide: APP_GUARD, useClass: GqlAuthGuard },
        { provide: APP_FILTER, useClass: RestErrorFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            transform: true,
            forbidUnknownValues: false,
            exceptionFactory: (errors) => validationFailed(errors),
          }),
        },
      ],
      exports: [TokenService, LineData],
    };
  }
}
