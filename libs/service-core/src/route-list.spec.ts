import 'reflect-metadata';
import { All, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { routesOf } from './route-list';

@Controller('api/v1/things')
class ThingsController {
  @Post()
  post(): number {
    return 1;
  }

  @Get(':id.csv')
  csv(): number {
    return 1;
  }
}

@Controller('api/v1')
class FallbackController {
  @All('*path')
  notServed(): number {
    return 404;
  }
}

@Module({ controllers: [ThingsController, FallbackController] })
class RoutesModule {}

describe('routesOf', () => {
  it('lists every controller route with its method and declared path; @All as ALL', async () => {
    const app = await NestFactory.create(RoutesModule, { logger: false });
    try {
      await app.init();
      expect(routesOf(app)).toEqual([
        { method: 'POST', path: '/api/v1/things' },
        { method: 'GET', path: '/api/v1/things/:id.csv' },
        { method: 'ALL', path: '/api/v1/*path' },
      ]);
    } finally {
      await app.close();
    }
  });
});
