import type { Knex } from 'knex';

/** A referral code as the domain sees it. */
export interface ReferralCode {
  code: string;
  userId: string;
  isVanity: boolean;
  active: boolean;
  createdAt: Date;
}

interface CodeRow {
  code: string;
  user_id: string;
  is_vanity: boolean;
  active: boolean;
  created_at: Date;
}

const COLUMNS = ['code', 'user_id', 'is_vanity', 'active', 'created_at'];

/** referral_codes and link_clicks. Codes passed in are already canonical (upper-case). */
export class ReferralCodeStore {
  constructor(private readonly knex: Knex) {}

  async findByCode(code: string): Promise<ReferralCode | undefined> {
    const row: CodeRow | undefined = await this.knex('referral_codes').where({ code }).first(COLUMNS);
    return row && toCode(row);
  }

  async findGeneratedByUser(userId: string): Promise<ReferralCode | undefined> {
    const row: CodeRow | undefined = await this.knex('referral_codes').where({ user_id: userId, is_vanity: false }).first(COLUMNS);
    return row && toCode(row);
  }

  /** The code a user shares: the generated one, else the newest vanity code. */
  async findForUser(userId: string): Promise<ReferralCode | undefined> {
    const row: CodeRow | undefined = await this.knex('referral_codes')
      .where({ user_id: userId })
      .orderBy([{ column: 'is_vanity', order: 'asc' }, { column: 'created_at', order: 'desc' }])
      .first(COLUMNS);
    return row && toCode(row);
  }

  /**
   * Inserts unless the code exists or the user already has a generated code
   * (the partial unique index): both constraints decide, so concurrent calls
   * cannot create two. Undefined when nothing was inserted.
   */
  async insertGenerated(code: string, userId: string): Promise<ReferralCode | undefined> {
    const rows = await this.knex('referral_codes').insert({ code, user_id: userId, is_vanity: false }).onConflict().ignore().returning(COLUMNS);
    return rows[0] && toCode(rows[0] as CodeRow);
  }

  /** Inserts a vanity code unless the code exists. Undefined when nothing was inserted. */
  async insertVanity(code: string, userId: string): Promise<ReferralCode | undefined> {
    const rows = await this.knex('referral_codes').insert({ code, user_id: userId, is_vanity: true }).onConflict('code').ignore().returning(COLUMNS);
    return rows[0] && toCode(rows[0] as CodeRow);
  }

  /** Records a click on an active code in one statement; false (nothing written) for unknown or inactive codes. */
  async insertClick(code: string, visitorId: string, clickedAt: Date): Promise<boolean> {
    const result = await this.knex.raw(
      'INSERT INTO link_clicks (code, visitor_id, clicked_at) SELECT code, ?, ? FROM referral_codes WHERE code = ? AND active RETURNING id',
      [visitorId, clickedAt, code],
    );
    return (result as { rowCount: number }).rowCount > 0;
  }
}

function toCode(row: CodeRow): ReferralCode {
  return { code: row.code, userId: row.user_id, isVanity: row.is_vanity, active: row.active, createdAt: row.created_at };
}
