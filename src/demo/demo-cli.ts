import { DemoError } from './demo-http.ts';
import { runDemo } from './run-demo.ts';

/**
 * `npm run demo`: the referral story against a running service.
 * DEMO_BASE_URL (default http://localhost:3000) and DEMO_API_KEY (an admin
 * key, when the service has API_KEYS). A client script, not the service: it
 * reads its two variables here rather than through src/config.ts.
 */
try {
  await runDemo({
    baseUrl: process.env.DEMO_BASE_URL || 'http://localhost:3000',
    ...(process.env.DEMO_API_KEY ? { apiKey: process.env.DEMO_API_KEY } : {}),
    out: (line) => process.stdout.write(`${line}\n`),
  });
} catch (error) {
  if (!(error instanceof DemoError)) throw error;
  process.stderr.write(`\ndemo stopped: ${error.message}\n`);
  process.exitCode = 1;
}
