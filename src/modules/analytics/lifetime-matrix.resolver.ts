import { Arg, Float, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { badInput } from '../../common/errors';
import { LifetimeModel } from './analytics.types';
import { probabilityAlive } from './lifetime/models';

/** The P(alive) matrix lifetimes draws (plot_probability_alive_matrix), from the model's own formula. */
@Resolver(() => LifetimeModel)
export class LifetimeMatrixResolver {
  @FieldResolver(() => [[Float]], {
    description: 'P(alive) of a customer observed for T (in timeUnit) by repeat purchases 0..maxFrequency (rows) and recency of the last one, '
      + 'T x i / recencySteps for i = 0..recencySteps (columns); a customer without repeat purchases has recency 0 (every column alike). Empty when the model was not fitted.',
  })
  probabilityAliveMatrix(
    @Root() m: LifetimeModel,
    @Arg('T', () => Float) T: number,
    @Arg('maxFrequency', () => Int, { defaultValue: 10 }) maxFrequency: number,
    @Arg('recencySteps', () => Int, { defaultValue: 24 }) recencySteps: number,
  ): number[][] {
    if (!(T > 0 && T <= 5200)) throw badInput('T must be more than 0 and at most 5200 (100 years in weeks)', { argument: 'T' });
    if (!Number.isInteger(maxFrequency) || maxFrequency < 0 || maxFrequency > 100) throw badInput('maxFrequency must be from 0 to 100', { argument: 'maxFrequency' });
    if (!Number.isInteger(recencySteps) || recencySteps < 1 || recencySteps > 100) throw badInput('recencySteps must be from 1 to 100', { argument: 'recencySteps' });
    const fitted = m.fitted;
    if (!fitted) return [];
    return Array.from({ length: maxFrequency + 1 }, (_, x) =>
      Array.from({ length: recencySteps + 1 }, (_, i) => {
        // The last column is T itself: T x n / n can land one ulp above T, which the models rightly refuse.
        const recency = x === 0 ? 0 : i === recencySteps ? T : Math.min(T, (T * i) / recencySteps);
        const p = probabilityAlive(fitted, { frequency: x, recency, T });
        return Math.round(p * 1000) / 1000;
      }));
  }
}
