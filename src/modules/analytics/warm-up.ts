import type { Logger } from 'pino';
import { DEFAULT_RULE_ARGS } from './analytics.service';
import { RuleItemLevel } from './analytics.types';
import type { Services } from '../../services';

/**
 * Fits (or loads) the default models once the server listens, so that the first requests find them: with
 * MODEL_REFRESH=background a cold server then answers from them instead of waiting. One at a time (the fit
 * worker runs one fit at a time anyway); a failure is logged and left to the first request.
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
  ];
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      log.warn({ err, model: name }, 'could not prepare a model at start-up; the first request will fit it');
    }
  }
  log.info({ ms: Date.now() - started }, 'default models ready');
}
