#!/usr/bin/env node
// The `cart-recovery` command: runs the TypeScript CLI through tsx, no build step needed.
import { register } from 'tsx/esm/api';

register();
// A reader that stops early (`| head`) closes the pipe: that ends the command quietly, as for any
// Unix tool, rather than with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../engine/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
