#!/usr/bin/env node
// The `cart-recovery` command: runs the TypeScript CLI through tsx, no build step needed.
import { register } from 'tsx/esm/api';

register();
// The AWS SDK warns on Node 20 in nine lines before any of ours; `npm start` silences it the same way.
// Set before the SDK loads (it reads the variable once), and only if the user has not chosen.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A reader that stops early (`| head`) closes the pipe: that ends the command quietly, as for any
// Unix tool, rather than with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../engine/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
