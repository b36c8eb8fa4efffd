import { bgNbdExpectedPurchases, bgNbdProbabilityAlive, fitBgNbd, type BgNbdCustomer, type BgNbdParams } from './bg-nbd';
import { fitMbgNbd, mbgNbdExpectedPurchases, mbgNbdProbabilityAlive } from './mbg-nbd';
import type { FitOptions, FitResult } from './mle';
import { fitParetoNbd, paretoNbdExpectedPurchases, paretoNbdExpectedPurchasesCurve, paretoNbdProbabilityAlive, type ParetoNbdParams } from './pareto-nbd';

/** The purchase-and-dropout ("buy 'til you die") models CareGraph fits. */
export type PurchaseModelKind = 'BG_NBD' | 'MBG_NBD' | 'PARETO_NBD';
export const PURCHASE_MODEL_KINDS: readonly PurchaseModelKind[] = ['BG_NBD', 'MBG_NBD', 'PARETO_NBD'];

/** A fitted model's parameters, tagged by kind: r, alpha, a, b for the BG family; r, alpha, s, beta for Pareto/NBD. */
export type PurchaseModelParams =
  | { kind: 'BG_NBD'; params: BgNbdParams }
  | { kind: 'MBG_NBD'; params: BgNbdParams }
  | { kind: 'PARETO_NBD'; params: ParetoNbdParams };

export type PurchaseModelCustomer = BgNbdCustomer;

/** BG-family a or b above this means the fit slid down a degenerate ridge (no dropout signal). */
const DEGENERATE = 1e4;

/**
 * Fits one model by maximum likelihood. BG/NBD and MBG/NBD without a dropout signal run along a ridge to
 * a, b -> infinity, where the closed forms are useless: then they are refitted with lifetimes' small
 * penalizer; Pareto/NBD's s and beta behave the same way and get the same treatment.
 */
export function fitPurchaseModel(kind: PurchaseModelKind, data: ReadonlyArray<PurchaseModelCustomer>, options: FitOptions = {}): FitResult<PurchaseModelParams> {
  const wrap = <P>(fit: FitResult<P>, tag: (p: P) => PurchaseModelParams) => ({ ...fit, params: tag(fit.params) });
  switch (kind) {
    case 'BG_NBD': {
      let fit = fitBgNbd(data, options);
      if (fit.params.a > DEGENERATE || fit.params.b > DEGENERATE) fit = fitBgNbd(data, { ...options, penalizer: 0.001 });
      return wrap(fit, (params) => ({ kind, params }));
    }
    case 'MBG_NBD': {
      let fit = fitMbgNbd(data, options);
      if (fit.params.a > DEGENERATE || fit.params.b > DEGENERATE) fit = fitMbgNbd(data, { ...options, penalizer: 0.001 });
      return wrap(fit, (params) => ({ kind, params }));
    }
    case 'PARETO_NBD': {
      let fit = fitParetoNbd(data, options);
      if (fit.params.s > DEGENERATE || fit.params.beta > DEGENERATE) fit = fitParetoNbd(data, { ...options, penalizer: 0.001 });
      return wrap(fit, (params) => ({ kind, params }));
    }
  }
}

/** Probability that the customer has not dropped out by T. */
export function probabilityAlive(model: PurchaseModelParams, c: PurchaseModelCustomer): number {
  switch (model.kind) {
    case 'BG_NBD': return bgNbdProbabilityAlive(model.params, c);
    case 'MBG_NBD': return mbgNbdProbabilityAlive(model.params, c);
    case 'PARETO_NBD': return paretoNbdProbabilityAlive(model.params, c);
  }
}

/** Expected number of purchases in the next `t` time units, given the customer's history. */
export function expectedPurchases(model: PurchaseModelParams, t: number, c: PurchaseModelCustomer): number {
  switch (model.kind) {
    case 'BG_NBD': return bgNbdExpectedPurchases(model.params, t, c);
    case 'MBG_NBD': return mbgNbdExpectedPurchases(model.params, t, c);
    case 'PARETO_NBD': return paretoNbdExpectedPurchases(model.params, t, c);
  }
}

/** Expected purchases within each of several horizons (cumulative), sharing what does not depend on the horizon. */
export function expectedPurchasesCurve(model: PurchaseModelParams, ts: ArrayLike<number>, c: PurchaseModelCustomer): number[] {
  if (model.kind === 'PARETO_NBD') return paretoNbdExpectedPurchasesCurve(model.params, ts, c);
  return Array.from(ts, (t) => expectedPurchases(model, t, c));
}
