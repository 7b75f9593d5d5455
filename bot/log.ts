import { inspect } from 'node:util';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The server's log. Messages are fixed texts of our code with counts or ids, never a person's
 * words; errors are logged without their message by default.
 * @remarks An error's message and properties can carry personal data: a database error holds the
 * failed statement's parameters (PGlite attaches `query` and `params`: a conversation state with
 * phone numbers), an HTTP client error may quote a request. So below `debug` an error is logged as
 * its class, its code (SQLSTATE, errno) and where it was thrown; `LOG_LEVEL=debug` logs it whole.
 */
export interface Logger {
  readonly level: LogLevel;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** `where` says what failed ("retention sweep"); the error is rendered by {@link describeError}. */
  error(where: string, error?: unknown): void;
}

/** Where a log line goes; tests pass their own. */
export interface LogSink {
  out(line: string): void;
  err(line: string): void;
}

const consoleSink: LogSink = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A logger writing lines at or above `level`. */
export function createLogger(level: LogLevel, sink: LogSink = consoleSink): Logger {
  const rank = (l: LogLevel) => LOG_LEVELS.indexOf(l);
  const on = (l: LogLevel) => level !== 'silent' && rank(l) >= rank(level);
  return {
    level,
    debug: (message) => on('debug') && sink.out(`debug: ${message}`),
    info: (message) => on('info') && sink.out(message),
    warn: (message) => on('warn') && sink.err(`warning: ${message}`),
    error: (where, error) => on('error') && sink.err(`${where}: ${describeError(error, level === 'debug')}`),
  };
}

/**
 * An error for the log. Without `full`: its class, its `code` when that is a short token, and the
 * first frames of its stack (file and line; our code's frames first) — never its message.
 */
export function describeError(error: unknown, full = false): string {
  if (full) return error instanceof Error ? inspect(error, { depth: 4, breakLength: Infinity }) : inspect(error);
  if (!(error instanceof Error)) return `non-error value (${typeof error})`;
  const code = (error as { code?: unknown }).code;
  const token = typeof code === 'string' && /^[A-Z0-9_]{1,32}$/i.test(code) ? ` [${code}]` : '';
  const frames = (error.stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => /\(?((?:file:\/\/)?\/[^():]+:\d+):\d+\)?\s*$/.exec(l.trim())?.[1])
    .filter((f): f is string => f !== undefined)
    .map((f) => f.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/)/, '$1').replace(/^.*\/((?:bot|dialogs|knowledge)\/)/, '$1'));
  const ours = frames.filter((f) => !f.startsWith('node_modules/'));
  const shown = [...ours.slice(0, 3), ...(ours.length === 0 ? frames.slice(0, 2) : [])];
  return `${error.name}${token}${shown.length ? ` at ${shown.join(' < ')}` : ''} (details with LOG_LEVEL=debug)`;
}
