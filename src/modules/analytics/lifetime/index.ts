export * from './summary';
export * from './bg-nbd';
export * from './mbg-nbd';
export * from './pareto-nbd';
export * from './models';
export * from './holdout';
export * from './gamma-gamma';
export * from './clv';
export type { FitOptions, FitResult } from './mle';
