import express, { type Express } from 'express';
import { createRequire } from 'node:module';
import path from 'node:path';

const assets = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Referral reward engine — API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true, persistAuthorization: true });`;

/**
 * /docs: Swagger UI rendering /openapi.json, served from the swagger-ui-dist
 * package (no CDN, works offline). The script lives in its own file so a
 * strict Content-Security-Policy without inline scripts still allows it.
 */
export function mountDocs(app: Express): void {
  app.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  app.use('/docs/assets', express.static(assets, { index: false, maxAge: '1d' }));
}
