import type { LoggerService, LogLevel } from '@nestjs/common';
import pino from 'pino';
import { currentCorrelationId } from './correlation';
import { currentTraceId } from './tracing';

export type LogFormat = 'json' | 'pretty';

/** One log event as it is written: one JSON object a line (or one pretty line in a terminal). */
export interface LogEvent {
  time: string;
  level: string;
  app: string;
  context?: string;
  correlationId?: string;
  traceId?: string;
  message: string;
  stack?: string;
  details?: unknown;
}

/** Nest's levels, most severe first; LOG_LEVEL names the least severe one written. */
const NEST_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

const COLOUR: Record<string, string> = {
  fatal: '\x1b[35m',
  error: '\x1b[31m',
  warn: '\x1b[33m',
  info: '\x1b[32m',
  debug: '\x1b[36m',
  trace: '\x1b[90m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** The terminal form of an event: time, level, app and context, message, then the correlation id. */
export function prettyLogLine(e: LogEvent, colour: boolean): string {
  const paint = (code: string | undefined, s: string) => (colour && code ? `${code}${s}${RESET}` : s);
  const time = e.time.slice(11, 23); // HH:MM:SS.mmm (UTC), the date is the same all day
  const level = paint(COLOUR[e.level], e.level.toUpperCase().padEnd(5));
  const where = e.context ? `${e.app} ${e.context}` : e.app;
  const id = (e.correlationId ? paint(DIM, ` cid=${e.correlationId}`) : '') + (e.traceId ? paint(DIM, ` trace=${e.traceId}`) : '');
  const details = e.details === undefined ? '' : ` ${JSON.stringify(e.details)}`;
  const stack = e.stack ? `\n${paint(DIM, e.stack)}` : '';
  return `${paint(DIM, time)} ${level} [${where}] ${e.message}${details}${id}${stack}\n`;
}

/** LOG_FORMAT=auto: people read a terminal, machines read everything else. */
export function chooseLogFormat(setting: 'auto' | LogFormat, stdoutIsTty: boolean): LogFormat {
  return setting === 'auto' ? (stdoutIsTty ? 'pretty' : 'json') : setting;
}

export interface MesLoggerOptions {
  /** The least severe level written (LOG_LEVEL). */
  level: Exclude<LogLevel, 'fatal'>;
  format: LogFormat;
  /** Where lines go; standard output unless a test catches them. */
  write?: (line: string) => void;
  colour?: boolean;
}

/**
 * The MES's Nest LoggerService: pino writes one JSON event a line with time, level, app, context,
 * correlation id (from the request or job being served) and message; in a terminal the same event
 * is written as one readable line instead.
 */
export class MesLogger implements LoggerService {
  private readonly pino: pino.Logger;
  private levels: Set<LogLevel>;

  constructor(
    readonly app: string,
    options: MesLoggerOptions,
  ) {
    this.levels = new Set(NEST_LEVELS.slice(0, NEST_LEVELS.indexOf(options.level) + 1));
    const write = options.write ?? ((line: string) => void process.stdout.write(line));
    const colour = options.colour ?? Boolean(process.stdout.isTTY);
    // Synchronous writes: a line written just before the process exits is not lost, and lines keep
    // their order with what else the process writes to standard output.
    const destination: pino.DestinationStream =
      options.format === 'pretty'
        ? { write: (line: string) => write(prettyLogLine(JSON.parse(line) as LogEvent, colour)) }
        : options.write
          ? { write }
          : pino.destination({ dest: 1, sync: true });
    this.pino = pino(
      {
        level: 'trace', // the Nest levels above decide
        base: { app },
        messageKey: 'message',
        timestamp: () => `,"time":"${new Date().toISOString()}"`,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const correlationId = currentCorrelationId();
          // The trace id only while tracing is on and a span is active: one search finds the trace.
          const traceId = currentTraceId();
          return { ...(correlationId ? { correlationId } : {}), ...(traceId ? { traceId } : {}) };
        },
      },
      destination,
    );
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /**
   * Nest's calling convention: the last string argument is the context (the class that logs); for
   * error, a string before it is the stack.
   */
  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.levels.has(level)) return;
    const rest = [...params];
    const fields: { context?: string; stack?: string; details?: unknown } = {};
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') {
      const last = rest.pop() as string;
      if ((level === 'error' || level === 'fatal') && rest.length === 0 && /\n\s+at /.test(last)) fields.stack = last;
      else fields.context = last;
    }
    if ((level === 'error' || level === 'fatal') && typeof rest[0] === 'string') fields.stack = rest.shift() as string;
    let text: string;
    if (message instanceof Error) {
      text = message.message;
      fields.stack ??= message.stack;
    } else text = typeof message === 'string' ? message : JSON.stringify(message);
    const others = rest.filter((p) => p !== undefined);
    if (others.length > 0) fields.details = others.length === 1 ? others[0] : others;
    this.pino[PINO_LEVEL[level]](fields, text);
  }
}

/** The logger of an app process, from its LOG_LEVEL and LOG_FORMAT; also the one Nest's static Logger uses. */
export function createMesLogger(app: string, config: { logLevel: MesLoggerOptions['level']; logFormat: 'auto' | LogFormat }): MesLogger {
  return new MesLogger(app, { level: config.logLevel, format: chooseLogFormat(config.logFormat, Boolean(process.stdout.isTTY)) });
}
