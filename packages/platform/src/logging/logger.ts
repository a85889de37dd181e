import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  format?: 'json' | 'pretty' | undefined;
  /** Where lines go; tests pass a stream to read them. Defaults to stdout. */
  stream?: NodeJS.WritableStream;
}

/**
 * Winston logger with the service name on every line: JSON for machines, colours in a terminal.
 * Use `logger.child({ component })` per component and `{ request_id }` per request.
 * @example const logger = createLogger({ service: 'auth', level: config.LOG_LEVEL });
 */
export function createLogger({ service, level = 'info', format, stream }: LoggerOptions): Logger {
  const pretty = (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: pretty
      ? winston.format.combine(
          winston.format.colorize(),
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.printf(({ timestamp, level: lvl, message, service: svc, ...meta }) => {
            const rest = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${lvl} [${String(svc)}] ${String(message)}${rest}`;
          }),
        )
      : winston.format.combine(
          winston.format.timestamp(),
          winston.format.errors({ stack: true }),
          winston.format.json(),
        ),
    transports: [
      stream
        ? new winston.transports.Stream({ stream })
        : new winston.transports.Console({ stderrLevels: [] }),
    ],
  });
}
