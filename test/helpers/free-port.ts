/**
 * A TCP port free right now on 127.0.0.1, for a service that must know its own URL before it
 * listens (a Telegram webhook registered at start points at it).
 */
import net from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
