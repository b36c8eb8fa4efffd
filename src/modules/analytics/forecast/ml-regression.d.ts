// ml-regression 6 ships no type declarations; its SimpleLinearRegression is the typed
// ml-regression-simple-linear package it re-exports.
declare module 'ml-regression' {
  export { SimpleLinearRegression } from 'ml-regression-simple-linear';
}
