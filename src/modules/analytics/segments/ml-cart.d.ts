// ml-cart 2.1.1 ships no types; only what explain.ts reads is declared.
declare module 'ml-cart' {
  export interface DecisionTreeClassifierOptions {
    gainFunction?: 'gini';
    splitFunction?: 'mean';
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }

  /** A fitted node: a split (rows with x[splitColumn] < splitValue go left) or a leaf. */
  export interface CartNode {
    splitColumn?: number;
    splitValue?: number;
    left?: CartNode;
    right?: CartNode;
    /** Leaf only: share of each class among its training rows (an ml-matrix row vector). */
    distribution?: { getRow(index: number): number[] };
  }

  export class DecisionTreeClassifier {
    constructor(options?: DecisionTreeClassifierOptions);
    root: CartNode;
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(toPredict: number[][]): number[];
  }
}
