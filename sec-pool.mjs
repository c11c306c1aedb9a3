import { Pool } from 'undici';
import http from 'node:http';
const s = http.createServer((q, r) => r.end('{}')).listen(0);
await new Promise(r => s.on('listening', r));
const pool = new Pool(`http://127.0.0.1:${s.address().port}`, { connections: 2 });
for (let i = 0; i < 50; i++) {
  try { await pool.request({ method: 'GET', path: 'x:foo' }); } catch (e) { if (i < 1) console.log(e.code, e.message); }
  try { await pool.request({ method: 'GET', path: '/ok', headers: { a: 'b\nc' } }); } catch (e) { if (i < 1) console.log(e.code, e.message); }
}
const t = Date.now();
const ac = AbortSignal.timeout(2000);
try { const r = await pool.request({ method: 'GET', path: '/ok', signal: ac }); console.log('ok', r.statusCode, Date.now() - t); await r.body.text(); } catch (e) { console.log('stuck', e.message); }
await pool.close(); s.close();
