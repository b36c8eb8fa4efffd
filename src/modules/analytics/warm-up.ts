import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../../common/errors';
import { DEFAULT_RULE_ARGS } from './analytics.service';
import { RuleItemLevel } from './analytics.types';
import type { Services } from '../../services';

/**
 * Fits (or loads) the default models once the server listens, so that the first requests find them: with
 * MODEL_REFRESH=background a cold server then answers from them instead of waiting. One at a time: a step
 * that gets the first-fit answer (a request's bounded wait) waits for the fit itself before the next starts,
 * so that a never-fitted database does not read every model's inputs at once (at a million customers that
 * was gigabytes of rows in flight and second-long pauses); a failure is logged and left to the first request.
 */
export async function warmUpModels(services: Services, log: Pick<Logger, 'info' | 'warn'>): Promise<void> {
  const a = services.analytics;
  const started = Date.now();
  const version = await a.data.version();
  const steps: [string, () => Promise<unknown>][] = [
    ['population', () => a.population(version, null)],
    ['lifetime', () => a.lifetime(version, null)],
    ['segments', () => a.defaultSegments(version)],
    ['rules', () => a.rules(version, { ...DEFAULT_RULE_ARGS, level: RuleItemLevel.PRODUCT, asOf: null })],
    ['co-purchase', () => a.coPurchase(version)],
    ['recommender', () => a.recommender(version)],
    ['basket totals', () => services.graphInsights.basketTotals(version)],
    ['product demand', () => a.productDemandSeries(version)],
  ];
  const firstFit = (err: unknown) => err instanceof AppError && err.code === ErrorCode.SERVICE_UNAVAILABLE && !!err.details?.firstFit;
  for (const [name, step] of steps) {
    try {
      await step().catch(async (err) => {
        if (!firstFit(err)) throw err;
        await a.store.idle();
        return step();
      });
    } catch (err) {
      log.warn({ err, model: name }, 'could not prepare a model at start-up; the first request will fit it');
    }
  }
  log.info({ ms: Date.now() - started }, 'default models ready');
}
