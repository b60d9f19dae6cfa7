/** The benchmark's pipelined HTTP client gives every request its own response's status, in order. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PipelinedPoster } from '../../scripts/bench-http';

it('maps pipelined responses to their requests and reconnects after the server closes', async () => {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { status } = JSON.parse(body) as { status: number };
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: status, pad: 'x'.repeat(status % 7) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const poster = new PipelinedPoster(`http://127.0.0.1:${port}/x`, 2);
  try {
    const statuses = Array.from({ length: 40 }, (_, i) => [200, 202, 400, 404, 500][i % 5]);
    const got = await Promise.all(statuses.map((status, i) => poster.post(JSON.stringify({ status }), i % 2)));
    expect(got).toEqual(statuses);
    server.closeAllConnections();
    await new Promise((r) => setTimeout(r, 50));
    expect(await poster.post(JSON.stringify({ status: 202 }))).toBe(202);
  } finally {
    poster.close();
    await new Promise((r) => server.close(r));
  }
});
