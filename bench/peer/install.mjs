/**
 * Installs the peer (this folder's package-lock.json, exact versions) on first use:
 * `npm ci --prefix bench/peer`. isolated-vm 6 ships prebuilt binaries for Node 24 (ABI 137); should
 * it have to compile, npm_config_nodedir points node-gyp at this Node's own headers (offline).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const peerDir = fileURLToPath(new URL('.', import.meta.url));
const lock = () => JSON.parse(readFileSync(path.join(peerDir, 'package-lock.json'), 'utf8'));
const pinned = ['@utcp/code-mode', '@utcp/sdk', '@utcp/mcp', 'isolated-vm'];

/** The pinned versions, from the lock file. */
export function peerVersions() {
  const packages = lock().packages;
  return Object.fromEntries(pinned.map((name) => [name, packages[`node_modules/${name}`]?.version]));
}

function installedVersion(name) {
  const manifest = path.join(peerDir, 'node_modules', name, 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

export function peerInstalled() {
  return Object.entries(peerVersions()).every(([name, version]) => installedVersion(name) === version);
}

/** npm as this process was started with it (`npm run bench`), else the `npm` on PATH. */
function npmCommand() {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.c?js$/.test(cli) ? [process.execPath, [cli]] : ['npm', []];
}

/** Installs unless the pinned versions are already there; returns what it did. */
export function ensurePeerInstalled(log) {
  if (peerInstalled()) return { installedNow: false };
  log('installing the peer: npm ci --prefix bench/peer');
  const nodeDir = path.dirname(path.dirname(process.execPath));
  const env = { ...process.env };
  if (existsSync(path.join(nodeDir, 'include', 'node', 'node.h'))) env.npm_config_nodedir = nodeDir;
  const [command, prefix] = npmCommand();
  const started = performance.now();
  execFileSync(command, [...prefix, 'ci', '--prefix', peerDir, '--no-audit', '--no-fund'], { env, stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  if (!peerInstalled()) throw new Error(`npm ci finished but the pinned versions are not in ${path.join(peerDir, 'node_modules')}`);
  return { installedNow: true, installSeconds: Math.round((performance.now() - started) / 100) / 10 };
}
