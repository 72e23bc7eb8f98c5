import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// Soak runs (`npm run soak`): long, hostile, one gateway at a time. Not part of `npm test`.
export default defineConfig({ ...base, test: { ...base.test, include: ['test/soak/**/*.soak.ts'], maxWorkers: 1 } });
