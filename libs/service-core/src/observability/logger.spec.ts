import { Logger } from '@nestjs/common';
import { correlationIdOf, runWithCorrelation } from './correlation';
import { chooseLogFormat, MesLogger, prettyLogLine, type LogEvent } from './logger';

function capture(format: 'json' | 'pretty', level: 'log' | 'debug' = 'log') {
  const lines: string[] = [];
  const logger = new MesLogger('test-data', { level, format, colour: false, write: (l) => lines.push(l) });
  return { logger, lines, events: () => lines.map((l) => JSON.parse(l) as LogEvent & Record<string, unknown>) };
}

describe('MesLogger (JSON)', () => {
  it('writes one event a line with time, level, app, context, message', () => {
    const { logger, lines, events } = capture('json');
    logger.log('sheet S-1 binned', 'BinningWorker');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trimEnd()).not.toContain('\n');
    const [e] = events();
    expect(e).toMatchObject({ level: 'info', app: 'test-data', context: 'BinningWorker', message: 'sheet S-1 binned' });
    expect(new Date(e.time).toISOString()).toBe(e.time);
    expect(e.correlationId).toBeUndefined();
  });

  it('carries the correlation id of the request or job it runs for, also after an await', async () => {
    const { logger, events } = capture('json');
    await runWithCorrelation('rig-7-post-42', async () => {
      logger.warn('before');
      await new Promise((r) => setTimeout(r, 5));
      logger.warn('after');
    });
    logger.warn('outside');
    expect(events().map((e) => [e.message, e.correlationId])).toEqual([
      ['before', 'rig-7-post-42'],
      ['after', 'rig-7-post-42'],
      ['outside', undefined],
    ]);
  });

  it('keeps a stack apart from the message and puts other arguments under details', () => {
    const { logger, events } = capture('json');
    logger.error('fit failed', 'Error: boom\n    at fit (eis.ts:1:1)', 'FittingThreads');
    logger.error(new Error('no database'));
    logger.log('counts', { good: 3 }, 'Ctx');
    const [a, b, c] = events();
    expect(a).toMatchObject({ level: 'error', message: 'fit failed', context: 'FittingThreads' });
    expect(a.stack).toContain('at fit');
    expect(b).toMatchObject({ level: 'error', message: 'no database' });
    expect(b.stack).toContain('Error: no database');
    expect(c).toMatchObject({ message: 'counts', context: 'Ctx', details: { good: 3 } });
  });

  it('writes nothing below LOG_LEVEL', () => {
    const { logger, lines } = capture('json', 'log');
    logger.debug('chunk 3 fitted');
    logger.verbose('detail');
    expect(lines).toEqual([]);
    const debug = capture('json', 'debug');
    debug.logger.debug('chunk 3 fitted');
    debug.logger.verbose('detail');
    expect(debug.events().map((e) => e.level)).toEqual(['debug']);
  });

  it('serves Nest’s static Logger once it overrides it', () => {
    const { logger, events } = capture('json');
    Logger.overrideLogger(logger);
    try {
      new Logger('SheetTestQueue').warn('queue: Connection is closed.');
    } finally {
      Logger.overrideLogger(true);
    }
    expect(events()[0]).toMatchObject({ level: 'warn', context: 'SheetTestQueue', message: 'queue: Connection is closed.' });
  });

  it('cannot be made to write a second line by a message with a newline', () => {
    const { logger, lines } = capture('json');
    logger.log('line one\n{"level":"fatal","message":"forged"}');
    expect(lines).toHaveLength(1);
  });
});

describe('prettyLogLine (a terminal)', () => {
  const event: LogEvent = {
    time: '2026-12-02T05:42:01.123Z',
    level: 'info',
    app: 'binning-worker',
    context: 'BinningWorker',
    correlationId: 'abc-1',
    message: 'sheet test T-1 binned',
  };

  it('is one readable line: time, level, app and context, message, correlation id', () => {
    expect(prettyLogLine(event, false)).toBe('05:42:01.123 INFO  [binning-worker BinningWorker] sheet test T-1 binned cid=abc-1\n');
  });

  it('puts the stack on the lines after it and colours the level only in colour', () => {
    const line = prettyLogLine({ ...event, level: 'error', correlationId: undefined, stack: 'Error: x\n    at y' }, false);
    expect(line).toBe('05:42:01.123 ERROR [binning-worker BinningWorker] sheet test T-1 binned\nError: x\n    at y\n');
    expect(prettyLogLine(event, true)).toContain('\x1b[32mINFO ');
  });

  it('is what the logger writes in pretty mode', () => {
    const { logger, lines } = capture('pretty');
    runWithCorrelation('cid-9', () => logger.log('tracked out', 'Finish'));
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[test-data Finish\] tracked out cid=cid-9\n$/);
  });
});

describe('log format and correlation ids', () => {
  it('is pretty in a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('keeps a plain id a caller sends and replaces anything else with a new one', () => {
    expect(correlationIdOf('rig-7:post.42')).toBe('rig-7:post.42');
    expect(correlationIdOf(['a1', 'b2'])).toBe('a1');
    for (const bad of [undefined, '', 'x'.repeat(129), 'with space', 'new\nline', '{"json":1}']) {
      const id = correlationIdOf(bad);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
