import type { Logger } from '../core/log';

/** The main process logs to its stderr (visible when started from a terminal; the OS keeps it for packaged apps). */
export function consoleLogger(debug: boolean): Logger {
  return {
    debug: (m) => void (debug && console.error(`debug: ${m}`)),
    info: (m) => console.error(m),
    warn: (m) => console.error(`warning: ${m}`),
    error: (m) => console.error(`error: ${m}`),
  };
}
