/**
 * Where `npm run demo` looks for the local stack unless told: `npm start`'s own defaults. The demo
 * reads them, and the start banner prints a flag for each one the running stack does not match.
 */
export const DEMO_DEFAULTS = {
  url: 'http://127.0.0.1:3000',
  mail: 'http://127.0.0.1:8005',
  data: '.data',
  stripeApi: 'http://127.0.0.1:8006',
} as const;
