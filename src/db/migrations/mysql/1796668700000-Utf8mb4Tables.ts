import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand. The earlier migrations created tables without a character set, so on a server whose
 * default is latin1 (MySQL's and MariaDB's upstream default) every emoji, Polish or Chinese text failed.
 * Converts the database default and every table of this schema that is not utf8mb4 yet; a no-op on a
 * database created utf8mb4. database.ts refuses to start on a schema that is still not utf8mb4.
 */
export class Utf8mb4Tables1796668700000 implements MigrationInterface {
  name = 'Utf8mb4Tables1796668700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    const tables: { name: string }[] = await queryRunner.query(
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COLLATION NOT LIKE 'utf8mb4%'`,
    );
    for (const { name } of tables) await queryRunner.query(`ALTER TABLE \`${name}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  }

  async down(): Promise<void> {
    // Converting back to a narrower character set would lose text: nothing to undo.
  }
}
