import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'What happened to one row of a bulk import.' })
export class ImportRowResult {
  @Field(() => Int, { description: 'Position of the row in the input, from 0.' }) index!: number;
  @Field() ok!: boolean;
  @Field(() => ID, { nullable: true }) id!: string | null;
  @Field(() => Boolean, { nullable: true, description: 'true when an existing record was updated (upsert).' }) updated!: boolean | null;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ImportResult {
  @Field(() => Int) okCount!: number;
  @Field(() => Int) errorCount!: number;
  @Field(() => [ImportRowResult]) rows!: ImportRowResult[];
}

export function importResult(rows: ImportRowResult[]): ImportResult {
  const okCount = rows.filter((r) => r.ok).length;
  return { okCount, errorCount: rows.length - okCount, rows };
}
