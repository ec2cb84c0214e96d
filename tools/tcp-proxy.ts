/**
 * A TCP forwarder for fault tests: clients connect to it instead of the real service (e.g. PostgreSQL), and the
 * test can make the service look down — `refuse()` drops every open connection and refuses new ones (connect
 * gets ECONNREFUSED), `accept()` brings it back on the same port.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  refuse(): Promise<void>;
  accept(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  let server: net.Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        track(client);
        track(upstream);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.once('error', end).once('close', end);
        upstream.once('error', end).once('close', end);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      const closing = server;
      server = undefined;
      if (closing)
        closing.close(() => {
          resolve();
        });
      else resolve();
    });

  await listen();
  return {
    get port() {
      return port;
    },
    refuse: stop,
    accept: listen,
    close: stop,
  };
}
