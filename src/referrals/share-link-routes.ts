import QRCode from 'qrcode';
import type { RouteModule } from '../api/app.ts';
import type { ReferralCodeService } from './referral-code-service.ts';
import { CODE_PARAMS, PROBLEM } from './referral-code-schemas.ts';
import type { ShareLinks } from './share-links.ts';
import { newVisitorId, VISITOR_COOKIE, visitorCookieOptions, visitorIdFrom } from './visitor-cookie.ts';

const ANY_CODE = /^[A-Za-z0-9]{1,64}$/;

/** The public side of a code: the share link that records clicks, and its QR images. */
export function shareLinkRoutes(codes: ReferralCodeService, links: ShareLinks, secureCookies: boolean): RouteModule {
  return (api) => {
    api.route(
      {
        method: 'get',
        path: '/r/:code',
        summary: 'Share link: records the click and redirects to the shop',
        description: `Sets the long-lived first-party visitor cookie \`${VISITOR_COOKIE}\` when absent. Unknown or inactive codes redirect to the shop without \`ref\` and record nothing.`,
        tags: ['share links'],
        access: 'public',
        responses: { 302: { description: 'to SHOP_URL, with ?ref=CODE when the code is active' } },
      },
      async (req, res) => {
        let visitorId = visitorIdFrom(req.header('cookie'));
        if (!visitorId) {
          visitorId = newVisitorId();
          res.cookie(VISITOR_COOKIE, visitorId, visitorCookieOptions(secureCookies));
        }
        const raw = String(req.params.code);
        // A mistyped link is still a visitor for the shop: never an error page.
        const recorded = ANY_CODE.test(raw) ? await codes.recordClick(raw, visitorId) : undefined;
        res.set('Cache-Control', 'no-store').redirect(302, links.shopRedirect(recorded));
      },
    );

    for (const format of ['svg', 'png'] as const) {
      api.route(
        {
          method: 'get',
          path: `/v1/referral-codes/:code/qr.${format}`,
          summary: `QR code (${format.toUpperCase()}) of the share link`,
          tags: ['share links'],
          access: 'public',
          params: CODE_PARAMS,
          responses: {
            200: { description: 'the QR code', contentType: format === 'svg' ? 'image/svg+xml' : 'image/png', schema: { type: 'string' } },
            404: { description: 'no such code', schema: PROBLEM, contentType: 'application/problem+json' },
          },
        },
        async (req, res) => {
          const code = await codes.get(String(req.params.code));
          const link = links.link(code.code);
          res.set('Cache-Control', 'public, max-age=86400');
          if (format === 'svg') res.type('image/svg+xml').send(await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
          else res.type('image/png').send(await QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 }));
        },
      );
    }
  };
}
