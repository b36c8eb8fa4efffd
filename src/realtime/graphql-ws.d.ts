// tsconfig resolves modules the Node 10 way, which ignores package.json "exports"; Node (and Jest) resolve
// 'graphql-ws/use/ws' through them at run time. This points the compiler at the same typings.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
