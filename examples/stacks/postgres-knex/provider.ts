// The browser side does not change with the backend's framework: the same fetch provider as the raw-SQL stack.
export { default } from '../pglite-raw-sql/provider.ts';
