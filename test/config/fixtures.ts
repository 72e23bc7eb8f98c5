import { fileURLToPath } from 'node:url';

/** The config files of `test/fixtures/configs/`, by name. */
export function configFixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/configs/${name}`, import.meta.url));
}

/** Planted in `env` and `headers` values, directly and through `${VAR}`: no error may ever show it. */
export const canary = 'canary-7f3a9c2e';
