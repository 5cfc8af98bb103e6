// A port for a server a test starts as its own process (`s117 serve`), which needs a number before it
// starts. Chosen below Linux's range for outgoing connections (32768 to 60999 by default), where a
// client socket of the test's own (to PostgreSQL, say) may hold any port, and checked free first.
import net from 'node:net';

const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(port) || !(await listenable(port))) continue;
    handedOut.add(port); // two servers started at once never get the same one
    return port;
  }
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
