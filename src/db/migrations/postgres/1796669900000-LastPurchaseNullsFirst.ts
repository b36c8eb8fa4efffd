import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (PostgreSQL only): customers ordered by last purchase put NULL lowest, as MySQL and SQLite
 * do (Dialect.nullsLow). An index in PostgreSQL's default order (NULLS LAST ascending) serves neither
 * direction of that ordering, so the index keeps NULL first: read forwards for ASC NULLS FIRST, backwards
 * for DESC NULLS LAST. Same name and column, so the entities and migrations still agree.
 */
export class LastPurchaseNullsFirst1796669900000 implements MigrationInterface {
  name = 'LastPurchaseNullsFirst1796669900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_customers_last_purchase"`);
    await queryRunner.query(`CREATE INDEX "idx_customers_last_purchase" ON "customers" ("last_purchase_at" ASC NULLS FIRST)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_customers_last_purchase"`);
    await queryRunner.query(`CREATE INDEX "idx_customers_last_purchase" ON "customers" ("last_purchase_at") `);
  }
}
