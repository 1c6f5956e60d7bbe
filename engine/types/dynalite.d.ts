/** The slice of dynalite 4 (untyped CommonJS) that the test peer and the local stack use. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    /** How long a new table stays CREATING (default 500 ms). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }

  /** A plain Node HTTP server speaking the DynamoDB JSON protocol; `close` also closes the store. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
