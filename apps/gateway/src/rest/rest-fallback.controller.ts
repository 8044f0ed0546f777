import { All, Controller, HttpStatus, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';

/**
 * /api/v1 is routed to the service that owns each path (the test-data service for sheet tests
 * arrives with its issue). Until a service claims a path, callers get the contract's error shape
 * rather than the framework's default page.
 */
@Controller('api/v1')
export class RestFallbackController {
  @All('*path')
  notServed(@Req() req: Request, @Res() res: Response): void {
    res.status(HttpStatus.NOT_FOUND).json({
      error: { code: 'NOT_FOUND', message: `No service of this MES serves ${req.method} ${req.originalUrl}`, details: [] },
    });
  }
}
