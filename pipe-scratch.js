require('/work/main/node_modules/reflect-metadata');
const { DataSource } = require('/work/main/node_modules/typeorm');
const { Client } = require('/work/main/node_modules/pg');
const { PreparingClient, prepared, sentWithCommit } = require('/work/main/dist/src/common/prepared-sql.js');
const fs = require('fs');
function pgCpu() { let t = 0; for (const d of fs.readdirSync('/proc')) { if (!/^\d+$/.test(d)) continue; try { const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8'); const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')); if (name !== 'postgres') continue; const f = st.slice(st.lastIndexOf(')') + 2).split(' '); t += (+f[11] + +f[12]) / 100; } catch {} } return t; }
async function bench(label, ClientClass, hold) {
  const ds = new DataSource({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres', extra: { max: 8, Client: ClientClass } });
  await ds.initialize();
  await ds.query('CREATE TABLE IF NOT EXISTS pipe_t (x int)');
  const sel = prepared('SELECT $1::int + 1 AS y'); const insText = 'INSERT INTO pipe_t SELECT $1::int WHERE $1::int < 0';
  const ins = hold ? sentWithCommit(prepared(insText)) : prepared(insText);
  const run = () => ds.transaction(async (m) => { const r = await m.query(sel, [1]); await m.query(ins, [r[0].y]); });
  const worker = async (n) => { for (let i = 0; i < n; i++) await run(); };
  await Promise.all(Array.from({ length: 8 }, () => worker(300)));
  const c0 = process.cpuUsage(), p0 = pgCpu(), t0 = performance.now(); const N = 2500;
  await Promise.all(Array.from({ length: 8 }, () => worker(N)));
  const c = process.cpuUsage(c0), p = pgCpu() - p0, t = (performance.now() - t0) / 1000;
  console.log(label, 'tx/s', Math.round(8 * N / t), 'client us/tx', ((c.user + c.system) / 8 / N).toFixed(0), 'pg us/tx', (p * 1e6 / 8 / N).toFixed(0));
  await ds.destroy();
}
(async () => { for (let k = 0; k < 2; k++) { await bench('plain pg   ', Client, false); await bench('pipelined  ', PreparingClient, true); } })();
