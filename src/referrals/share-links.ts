/** Where a code is shared from: the public addresses built from PUBLIC_BASE_URL and SHOP_URL. */
export class ShareLinks {
  constructor(
    private readonly publicBaseUrl: string,
    private readonly shopUrl: string,
  ) {}

  /** The link people share: it records the click, then lands on the shop. */
  link(code: string): string {
    return `${this.publicBaseUrl}/r/${encodeURIComponent(code)}`;
  }

  qrCodeUrl(code: string, format: 'svg' | 'png' = 'svg'): string {
    return `${this.publicBaseUrl}/v1/referral-codes/${encodeURIComponent(code)}/qr.${format}`;
  }

  /** The shop, with `?ref=CODE` when the click was attributed. */
  shopRedirect(code?: string): string {
    const url = new URL(this.shopUrl);
    if (code) url.searchParams.set('ref', code);
    return url.toString();
  }
}
