import { createCodeMode } from './dist/index.js';
import { bundledServer } from './dist/config/bundledServers.js';
const cm = await createCodeMode({ mcpServers: { everything: bundledServer('everything') }, codeMode: { maxToolCalls: 100000, timeout: 60000 } }, { logger: { info() {}, warn() {}, error() {}, debug() {}, child() { return this; } } });
const code = 'for (let i = 0; i < 1000; i++) await mcpTools.Everything.echo({ message: "m" + i }); return 1;';
for (let i = 0; i < 3; i++) await cm.executeCode(code);
const t = performance.now(); const c0 = process.cpuUsage();
for (let i = 0; i < 5; i++) { const r = await cm.executeCode(code); if (!r.success) console.log(r.error); }
const c1 = process.cpuUsage(c0);
console.log('ms per run', ((performance.now() - t) / 5).toFixed(1), 'host cpu ms per run', ((c1.user + c1.system) / 5000).toFixed(1));
await cm.close();
