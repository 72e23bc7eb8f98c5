import { httpDefaults } from '../config/defaults.ts';
import { CodeGoatError } from '../errors.ts';

/** `--http [HOST:]PORT` (and `--metrics`): `3333`, `0.0.0.0:8080`, `localhost:3333`, `[::1]:3333`. Host defaults to loopback. */
export function parseHostPort(value: string, option = '--http'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535) {
    throw new CodeGoatError('CONFIG_INVALID', `${option} expects [HOST:]PORT (e.g. 3333 or 127.0.0.1:3333), got "${value}".`);
  }
  return { host: match[1] ?? match[2] ?? httpDefaults.host, port };
}
