import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';

/**
 * GraphQL resolvers: hand every error to Apollo's formatError (formatGraphqlError), which keeps
 * domain errors as they are and logs unexpected ones once, with an id. Without this filter Nest
 * would also log each refused scan as an error.
 */
@Catch()
export class GraphqlExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'graphql') throw exception;
    return exception;
  }
}
