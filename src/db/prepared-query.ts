import type { Knex } from 'knex';

interface PgConnection {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs `text` ($1, $2… placeholders) as a named prepared statement on a
 * PostgreSQL server: each pooled connection plans it once and reuses the plan
 * (a generic plan after five runs). Worth it for hot reads whose planning
 * costs more than their execution: the reward history list planned in
 * ~1.4 ms and ran in ~1 ms at 10M ledger rows. Same text, same name, always.
 *
 * Outside a transaction only (it takes its own pooled connection). On the
 * embedded database (knex-pglite) it is a plain query.
 */
export async function preparedQuery<Row>(knex: Knex, name: string, text: string, values: readonly unknown[]): Promise<Row[]> {
  if (knex.client.config.client !== 'pg') {
    const bindings: unknown[] = [];
    const sql = text.replace(/\$(\d+)/g, (_match, n: string) => {
      bindings.push(values[Number(n) - 1]);
      return '?';
    });
    const { rows } = await knex.raw<{ rows: Row[] }>(sql, bindings as Knex.RawBinding[]);
    return rows;
  }
  const connection = (await knex.client.acquireConnection()) as PgConnection;
  try {
    return (await connection.query({ name, text, values })).rows as Row[];
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

