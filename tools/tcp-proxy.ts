/**
 * A TCP forwarder for fault tests: clients connect to it instead of the real service (e.g. PostgreSQL), and the
 * test can make the service look down — `refuse()` drops every open connection and refuses new ones (connect
 * gets ECONNREFUSED), `accept()` brings it back on the same port — or stall it: `stall()` stops passing on what
 * the connections open now send (their writers soon wait for the network), `unstall()` lets it through again.
 * `stallAfter(n)` stalls by itself once clients have sent n bytes, so a fast client cannot finish between a test
 * seeing the bytes and stalling. Connections opened later pass (a client's clean-up, e.g. aborting an upload).
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Bytes clients have sent through the proxy so far. */
  readonly bytesFromClients: number;
  refuse(): Promise<void>;
  stall(): void;
  /** Stalls the connections open at the moment clients have sent `bytes` more in all. */
  stallAfter(bytes: number): void;
  /** Whether the proxy is stalled (by stall() or stallAfter()). */
  readonly stalled: boolean;
  unstall(): void;
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
  let bytesFromClients = 0;
  const links = new Map<net.Socket, net.Socket>();
  const stalled = new Set<net.Socket>();
  let stallAt: number | undefined;
  let stalling = false;
  const stallLink = (client: net.Socket, upstream: net.Socket) => {
    client.unpipe(upstream);
    client.pause();
    stalled.add(client);
  };
  const stallAll = () => {
    stalling = true;
    for (const [client, upstream] of links) stallLink(client, upstream);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        track(client);
        track(upstream);
        links.set(client, upstream);
        client.once('close', () => links.delete(client));
        client.on('data', (chunk: Buffer) => {
          bytesFromClients += chunk.length;
          if (!stalling && stallAt !== undefined && bytesFromClients >= stallAt) stallAll();
        });
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
    get bytesFromClients() {
      return bytesFromClients;
    },
    get stalled() {
      return stalling;
    },
    stall: stallAll,
    stallAfter(bytes: number) {
      stallAt = bytesFromClients + bytes;
    },
    unstall() {
      stalling = false;
      stallAt = undefined;
      for (const client of stalled) {
        const upstream = links.get(client);
        if (upstream) client.pipe(upstream);
      }
      stalled.clear();
    },
    refuse: stop,
    accept: listen,
    close: stop,
  };
}
