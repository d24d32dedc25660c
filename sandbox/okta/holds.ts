import type { Socket } from 'node:net';

/**
 * Requests held without an answer (the hangNext fault). Each socket is closed when its time is up
 * (or earlier, by the client giving up); `closeAll` ends those still held, so a held request
 * never keeps the sandbox, or the process, from stopping.
 */
export type Holds = {
  hold(socket: Socket, ms: number): void;
  /** How many requests are held right now. */
  count(): number;
  closeAll(): void;
};

export function createHolds(): Holds {
  const held = new Map<Socket, NodeJS.Timeout>();
  const release = (socket: Socket): void => {
    clearTimeout(held.get(socket));
    held.delete(socket);
  };
  return {
    hold(socket, ms) {
      held.set(socket, setTimeout(() => {
        release(socket);
        socket.destroy();
      }, ms));
      socket.once('close', () => release(socket));
    },
    count: () => held.size,
    closeAll() {
      for (const socket of [...held.keys()]) {
        release(socket);
        socket.destroy();
      }
    },
  };
}
