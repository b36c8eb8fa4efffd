export * from './summary';
export * from './bg-nbd';
export * from './gamma-gamma';
export * from './clv';
export type { FitOptions, FitResult } from './mle';
