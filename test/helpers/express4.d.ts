// Express 4, installed as `express4` (npm:express@4) for test/helpers/scimmy-server.ts: only what it uses.
declare module 'express4' {
  import type { Server } from 'node:http';
  import type { RequestHandler } from 'express';

  type Express4App = {
    use(path: string, ...handlers: RequestHandler[]): Express4App;
    listen(port: number, host: string, listening: () => void): Server;
  };
  function express(): Express4App;
  export = express;
}
